/**
 * Microsoft 365 guide: the facts file (resources/m365.json), the readiness checklist,
 * generated PowerShell, and OAuth 2.0 token results. Pure zod: importable by main, the
 * CLI, the contract and the renderer (no node imports here or in what it imports).
 */
import { z } from 'zod';
import { m365Items, type M365Item } from './analyze';
import { connectionReportSchema, smtpSecuritySchema } from './smtp-schemas';
import { refuseHidden } from './fields';
import { addressProblem, EXCHANGE_ONLINE_APP_ID, guidProblem, tenantProblem } from './m365-script-values';

const isoDate = z.iso.date();
/** A seed document or a vendor page. */
const sourceSchema = z.string().regex(/^(seeds\/[a-z0-9-]+\.txt|https:\/\/\S+)$/u);
const sourced = { source: sourceSchema, checked: isoDate };

// ---------------------------------------------------------------------------
// Values that go into PowerShell or an authority URL (refused, never escaped)

export const upnSchema = z.string().superRefine((value, ctx) => {
  const problem = addressProblem(value, 'The sign-in name (UPN)');
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

export const fromAddressSchema = z.string().superRefine((value, ctx) => {
  const problem = addressProblem(value, 'The From address');
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

function guidField(label: string) {
  return z
    .string()
    .superRefine((value, ctx) => {
      const problem = guidProblem(value, label);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((value) => value.toLowerCase());
}

/** Application (client) ID of the Entra app registration. */
export const appIdSchema = guidField('The application (client) ID').refine((v) => v !== EXCHANGE_ONLINE_APP_ID, {
  message: 'That is Exchange Online’s own application ID, not your app’s: copy the Application (client) ID from your app registration’s Overview page.',
});
/** Object ID of the enterprise application (service principal) — not the app registration's object ID. */
export const objectIdSchema = guidField('The enterprise application’s object ID');

export const tenantSchema = z.string().superRefine((value, ctx) => {
  const problem = tenantProblem(value, 'The tenant');
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

// ---------------------------------------------------------------------------
// Readiness items

/** `basic` = password (Basic authentication) over SMTP AUTH; `oauth2` = XOAUTH2 with an access token. */
export const m365AuthModeSchema = z.enum(['basic', 'oauth2']);
export type M365AuthMode = z.infer<typeof m365AuthModeSchema>;

/**
 * Every readiness item. Includes each `m365Item` of the diagnosis catalogue (so a reply
 * always lands on an item), plus what no reply names: licence / mailbox existence and
 * the OAuth app setup.
 */
export const readinessItemIds = [
  'tenant-smtp-auth',
  'mailbox-smtp-auth',
  'security-defaults',
  'conditional-access',
  'mfa-basic-auth',
  'mailbox-licence',
  'credentials',
  'account-lockout',
  'send-as-rights',
  'authenticated-submission',
  'tls-1-2',
  'concurrency',
  'tenant-standing',
  'basic-auth-retirement',
  'oauth-app',
] as const satisfies readonly (M365Item | 'mailbox-licence' | 'oauth-app')[];
export const readinessItemIdSchema = z.enum(readinessItemIds);
export type ReadinessItemId = z.infer<typeof readinessItemIdSchema>;

/** Every catalogue item is a readiness item (a compile error names the one that is not). */
export const catalogueItems: readonly ReadinessItemId[] = m365Items;

export const readinessStateSchema = z.enum(['unknown', 'ok', 'problem', 'not-applicable']);
export type ReadinessState = z.infer<typeof readinessStateSchema>;

/** default = nothing known yet; admin = set by hand; computed = from data and today's date; test/pasted-error = from evidence. */
export const readinessSourceSchema = z.enum(['default', 'admin', 'computed', 'test', 'pasted-error']);
export type ReadinessSource = z.infer<typeof readinessSourceSchema>;

export const scriptIds = ['check', 'enable-mailbox', 'enable-mailboxes', 'grant-send-as', 'oauth-setup'] as const;
export const scriptIdSchema = z.enum(scriptIds);
export type ScriptId = z.infer<typeof scriptIdSchema>;

/** Placeholders a command template in m365.json may use: `{{upn}}`, `{{from}}`, `{{appId}}`, `{{objectId}}`. */
export const templatePlaceholders = ['upn', 'from', 'appId', 'objectId'] as const;
export type TemplatePlaceholder = (typeof templatePlaceholders)[number];

const templateSchema = z
  .string()
  .min(1)
  .refine((t) => [...t.matchAll(/\{\{(\w+)\}\}/gu)].every((m) => (templatePlaceholders as readonly string[]).includes(m[1] ?? '')), {
    message: `a template may use only ${templatePlaceholders.map((p) => `{{${p}}}`).join(', ')}`,
  })
  .refine((t) => !/[\r\n]/u.test(t), { message: 'a command template is one line' });

export const readinessItemDefinitionSchema = z.strictObject({
  id: readinessItemIdSchema,
  title: z.string().min(1),
  /** Which sign-in method the item matters for. */
  appliesTo: z.array(m365AuthModeSchema).min(1),
  why: z.string().min(1),
  howToCheck: z.string().min(1),
  /** What each value of the setting means (`$true` / `$false` / `$null`). */
  settingValues: z.array(z.strictObject({ value: z.string(), meaning: z.string() })).default([]),
  check: z.strictObject({
    /** exchange = Exchange Online PowerShell (Connect-ExchangeOnline); graph = Microsoft Graph PowerShell (Connect-MgGraph). */
    shell: z.enum(['exchange', 'graph']).nullable(),
    commands: z.array(templateSchema),
    /** Where to look in an admin center. */
    portal: z.string().nullable(),
  }),
  fix: z.strictObject({
    /** The generated script that fixes it (`relayproof m365 script <id>`). */
    script: scriptIdSchema.nullable(),
    /** The one line that fixes it, when one line can. */
    command: templateSchema.nullable(),
    steps: z.array(z.string().min(1)).min(1),
  }),
  references: z.array(z.url()).default([]),
  ...sourced,
});
export type ReadinessItemDefinition = z.output<typeof readinessItemDefinitionSchema>;

// ---------------------------------------------------------------------------
// resources/m365.json

export const retirementMilestoneIds = ['default-off', 'new-tenants-unavailable', 'removal'] as const;

export const retirementMilestoneSchema = z
  .strictObject({
    id: z.enum(retirementMilestoneIds),
    title: z.string().min(1),
    /** First day the milestone may apply. "End of December 2026" is stored as 2026-12-31. */
    from: isoDate,
    /** Last day of the window (the same day when Microsoft named one date). */
    to: isoDate,
    /** As Microsoft worded it ("End of December 2026", "Second half of 2027"). */
    when: z.string().min(1),
    detail: z.string().min(1),
    adminCanReEnable: z.boolean(),
    ...sourced,
  })
  .refine((m) => m.from <= m.to, { message: 'from must not be after to' });
export type RetirementMilestone = z.output<typeof retirementMilestoneSchema>;

export const limitKeys = ['concurrent-connections', 'messages-per-minute', 'recipients-per-day', 'recipients-per-message'] as const;

export const aadstsEntrySchema = z.strictObject({
  code: z.number().int().positive(),
  title: z.string().min(1),
  meaning: z.string().min(1),
  steps: z.array(z.string().min(1)).min(1),
  /** The readiness item it proves wrong, when there is one. */
  item: readinessItemIdSchema.nullable(),
  ...sourced,
});
export type AadstsEntry = z.output<typeof aadstsEntrySchema>;

export const m365FactsSchema = z
  .strictObject({
    $comment: z.string().optional(),
    endpoint: z.strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535),
      security: smtpSecuritySchema,
      username: z.string().min(1),
      alternatives: z.array(z.strictObject({ port: z.number().int(), security: smtpSecuritySchema, note: z.string() })),
      ...sourced,
    }),
    tls: z.strictObject({ minimumVersion: z.enum(['TLSv1.2', 'TLSv1.3']), note: z.string(), ...sourced }),
    limits: z
      .array(z.strictObject({ key: z.enum(limitKeys), value: z.number().int().positive(), unit: z.string(), description: z.string(), reply: z.string().nullable(), ...sourced }))
      .min(1),
    basicAuthRetirement: z.strictObject({ summary: z.string(), milestones: z.array(retirementMilestoneSchema).min(2), ...sourced }),
    oauth: z.strictObject({
      authorityHost: z.url().refine((u) => u.startsWith('https://'), { message: 'https only' }),
      appOnlyScope: z.string().endsWith('/.default'),
      delegatedScopes: z.array(z.string()).min(1),
      /** Audiences Exchange Online accepts for SMTP (its URIs and its application id). */
      audiences: z.array(z.string()).min(1),
      appOnlyRole: z.string(),
      delegatedScope: z.string(),
      tokenLifetimeMinutes: z.strictObject({ min: z.number().int(), max: z.number().int() }),
      exchangeAppId: z.literal(EXCHANGE_ONLINE_APP_ID),
      ...sourced,
    }),
    aadsts: z.array(aadstsEntrySchema),
    items: z.array(readinessItemDefinitionSchema),
  })
  .superRefine((facts, ctx) => {
    const ids = facts.items.map((i) => i.id);
    for (const id of readinessItemIds) {
      if (!ids.includes(id)) ctx.addIssue({ code: 'custom', path: ['items'], message: `readiness item "${id}" is missing` });
    }
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['items'], message: 'a readiness item appears twice' });
    for (const id of ['default-off', 'removal'] as const) {
      if (!facts.basicAuthRetirement.milestones.some((m) => m.id === id)) {
        ctx.addIssue({ code: 'custom', path: ['basicAuthRetirement', 'milestones'], message: `milestone "${id}" is missing` });
      }
    }
  });
export type M365Facts = z.output<typeof m365FactsSchema>;

// ---------------------------------------------------------------------------
// Basic-auth retirement status for a given day

/** unchanged = before default-off; default-off = off by default, admins may re-enable; removal-window = the final date is due; removal-due = past that window. */
export const retirementPhaseSchema = z.enum(['unchanged', 'default-off', 'removal-window', 'removal-due']);
export type RetirementPhase = z.infer<typeof retirementPhaseSchema>;

export const retirementStatusSchema = z.object({
  today: isoDate,
  phase: retirementPhaseSchema,
  headline: z.string(),
  detail: z.string(),
  next: z.object({ id: z.enum(retirementMilestoneIds), when: z.string(), date: isoDate, daysUntil: z.number().int() }).nullable(),
  milestones: z.array(
    z.object({ id: z.enum(retirementMilestoneIds), title: z.string(), when: z.string(), from: isoDate, to: isoDate, status: z.enum(['past', 'current', 'upcoming']), detail: z.string() }),
  ),
  /** The dates were checked long ago: say so and where to look. */
  staleWarning: z.string().nullable(),
  source: z.string(),
  checked: isoDate,
});
export type RetirementStatus = z.infer<typeof retirementStatusSchema>;

// ---------------------------------------------------------------------------
// The checklist

export const readinessMarkSchema = z.strictObject({
  id: readinessItemIdSchema,
  state: readinessStateSchema,
  note: z.string().max(500).superRefine(refuseHidden('The note', 'free-text')).optional(),
});
export type ReadinessMark = z.infer<typeof readinessMarkSchema>;

export const m365ChecklistInputSchema = z.strictObject({
  upn: upnSchema,
  /** The From address the connector uses, when it is not the UPN (send-as rights). */
  from: fromAddressSchema.optional(),
  authMode: m365AuthModeSchema.default('basic'),
  appId: appIdSchema.optional(),
  objectId: objectIdSchema.optional(),
  /** The day to compute the retirement status for (default: today). */
  today: isoDate.optional(),
  /** States the admin set by hand. */
  marks: z.array(readinessMarkSchema).max(readinessItemIds.length * 2).default([]),
  /** A connection test report (`smtp:test-connection`) whose result decides items. */
  report: connectionReportSchema.optional(),
  /** An error the admin pasted (from the platform, a bounce, a log). */
  pastedError: z.string().trim().min(1).max(20_000).optional(),
});
export type M365ChecklistInput = z.input<typeof m365ChecklistInputSchema>;
export type M365ChecklistRequest = z.output<typeof m365ChecklistInputSchema>;

export const readinessItemSchema = z.object({
  id: readinessItemIdSchema,
  title: z.string(),
  appliesTo: z.array(m365AuthModeSchema),
  why: z.string(),
  howToCheck: z.string(),
  settingValues: z.array(z.object({ value: z.string(), meaning: z.string() })),
  check: z.object({ shell: z.enum(['exchange', 'graph']).nullable(), commands: z.array(z.string()), portal: z.string().nullable() }),
  fix: z.object({
    script: scriptIdSchema.nullable(),
    /** The rendered line (values quoted), or null when a value it needs is not known yet. */
    command: z.string().nullable(),
    steps: z.array(z.string()),
  }),
  state: readinessStateSchema,
  setBy: readinessSourceSchema,
  /** What decided the state: the server's reply, the admin's note, the date. */
  evidence: z.string().nullable(),
  /** The catalogue diagnosis behind a `problem`, when a reply decided it. */
  diagnosis: z.object({ code: z.string(), title: z.string(), cause: z.string() }).nullable(),
  /** This item's fix is the one to run now. */
  highlighted: z.boolean(),
  references: z.array(z.string()),
  source: z.string(),
  checked: z.string(),
});
export type ReadinessItem = z.infer<typeof readinessItemSchema>;

export const m365ChecklistSchema = z.object({
  upn: z.string(),
  from: z.string().nullable(),
  authMode: m365AuthModeSchema,
  endpoint: z.object({ host: z.string(), port: z.number().int(), security: smtpSecuritySchema, tlsMinimum: z.string(), username: z.string() }),
  limits: z.array(z.object({ key: z.enum(limitKeys), value: z.number(), unit: z.string(), description: z.string() })),
  retirement: retirementStatusSchema,
  items: z.array(readinessItemSchema),
  counts: z.object({ ok: z.number().int(), problem: z.number().int(), unknown: z.number().int(), notApplicable: z.number().int() }),
  /** The fix to run first: the highlighted item's single line and its script. */
  nextFix: z.object({ item: readinessItemIdSchema, title: z.string(), script: scriptIdSchema.nullable(), command: z.string().nullable() }).nullable(),
  /** Every applicable item is ok. */
  ready: z.boolean(),
});
export type M365Checklist = z.infer<typeof m365ChecklistSchema>;

// ---------------------------------------------------------------------------
// Generated PowerShell

export const scriptRequestSchema = z.discriminatedUnion('script', [
  z.strictObject({ script: z.literal('check'), upn: upnSchema }),
  z.strictObject({ script: z.literal('enable-mailbox'), upn: upnSchema }),
  z.strictObject({ script: z.literal('enable-mailboxes'), upns: z.array(upnSchema).min(1, { message: 'Give at least one mailbox.' }).max(500, { message: 'At most 500 mailboxes per script.' }) }),
  z.strictObject({
    script: z.literal('grant-send-as'),
    /** The sign-in mailbox that will send. */
    upn: upnSchema,
    /** The address it sends as. */
    from: fromAddressSchema,
    right: z.enum(['send-as', 'send-on-behalf']).default('send-as'),
  }),
  z.strictObject({ script: z.literal('oauth-setup'), upn: upnSchema, appId: appIdSchema, objectId: objectIdSchema }),
]).superRefine((request, ctx) => {
  if (request.script === 'grant-send-as' && request.from.toLowerCase() === request.upn.toLowerCase()) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: 'A mailbox can always send as its own address: Send As is needed only when the From address is another mailbox, shared mailbox or group.' });
  }
  if (request.script === 'oauth-setup' && request.appId === request.objectId) {
    ctx.addIssue({
      code: 'custom',
      path: ['objectId'],
      message: 'The object ID is the same as the application (client) ID. Use the Object ID of the enterprise application (Enterprise applications > your app > Overview), which is a different GUID.',
    });
  }
});
export type ScriptRequestInput = z.input<typeof scriptRequestSchema>;
export type ScriptRequest = z.output<typeof scriptRequestSchema>;

export const generatedScriptSchema = z.object({
  script: scriptIdSchema,
  /** `relayproof-enable-mailbox.ps1` — for "download as .ps1". */
  fileName: z.string(),
  title: z.string(),
  /** The whole script, CRLF-free, ending with a newline. */
  text: z.string(),
  /** The commands that change something (empty for `check`). */
  changes: z.array(z.string()),
});
export type GeneratedScript = z.infer<typeof generatedScriptSchema>;

// ---------------------------------------------------------------------------
// OAuth 2.0

/** A certificate thumbprint as the Entra portal shows it: hex SHA-1 (40) or SHA-256 (64), colons and spaces allowed. */
export const certificateThumbprintSchema = z
  .string({ error: 'The thumbprint must be text.' })
  .max(200, { message: 'A thumbprint is 40 (SHA-1) or 64 (SHA-256) hex characters.' })
  // `\s` below would silently strip U+FEFF and U+2028 and accept the rest.
  .superRefine(refuseHidden('The thumbprint'))
  .refine((s) => /^(?:[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$/u.test(s.replace(/[\s:]/gu, '')), {
    message: 'A thumbprint is 40 (SHA-1) or 64 (SHA-256) hex characters: copy it from Certificates & secrets in the app registration.',
  });

export const appCredentialSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('secret'), clientSecret: z.string().min(1, { message: 'The client secret is empty.' }).max(1024) }),
  z.strictObject({
    kind: z.literal('certificate'),
    /** PEM private key (RSA) of the certificate uploaded to the app registration. */
    privateKey: z.string().min(1).max(16_384).refine((s) => /-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/u.test(s), { message: 'The private key must be PEM (-----BEGIN PRIVATE KEY-----).' }),
    /** PEM certificate; its SHA-256 thumbprint names the key to Entra when no thumbprint is given, and it is sent as x5c. */
    certificate: z.string().min(1).max(16_384).refine((s) => s.includes('-----BEGIN CERTIFICATE-----'), { message: 'The certificate must be PEM (-----BEGIN CERTIFICATE-----).' }).optional(),
    /** Hex SHA-1 (as the Entra portal shows it) or SHA-256 thumbprint of the certificate. */
    thumbprint: certificateThumbprintSchema.optional(),
  }).refine((c) => c.certificate !== undefined || c.thumbprint !== undefined, { message: 'Give the certificate’s thumbprint or the certificate itself.' }),
]);

export const appTokenInputSchema = z.strictObject({
  tenant: tenantSchema,
  clientId: appIdSchema,
  credential: appCredentialSchema,
});
export type AppTokenInput = z.input<typeof appTokenInputSchema>;

export const deviceCodeInputSchema = z.strictObject({
  /** A tenant, or `organizations` for any work account. */
  tenant: z.union([tenantSchema, z.literal('organizations')]),
  clientId: appIdSchema,
  /** Give up after this many seconds (default: the device code's own lifetime, about 15 minutes). */
  timeoutSeconds: z.number().int().min(10).max(1800).optional(),
});
export type DeviceCodeInput = z.input<typeof deviceCodeInputSchema>;

/** What the admin must do for the device-code flow: open the URL, type the code. */
export const deviceCodePromptSchema = z.object({ userCode: z.string(), verificationUri: z.string(), message: z.string(), expiresAt: z.iso.datetime() });
export type DeviceCodePrompt = z.infer<typeof deviceCodePromptSchema>;

export const tokenCheckSchema = z.object({
  id: z.enum(['format', 'audience', 'permission', 'expiry', 'not-before', 'tenant']),
  outcome: z.enum(['pass', 'warn', 'fail', 'skipped']),
  message: z.string(),
});
export type TokenCheck = z.infer<typeof tokenCheckSchema>;

export const explainTokenInputSchema = z.strictObject({
  token: z.string().trim().min(1, { message: 'Paste an access token.' }).max(16_384, { message: 'An access token is shorter than 16384 characters.' }),
  /** The tenant the mailbox belongs to (its GUID), to compare with the token's `tid`. */
  expectedTenant: tenantSchema.optional(),
  /** The moment to judge expiry at (default: now). */
  now: z.iso.datetime().optional(),
});
export type ExplainTokenInput = z.input<typeof explainTokenInputSchema>;

/** An access token explained from its own claims. Never contains the token. */
export const tokenExplanationSchema = z.object({
  /** The text is a JWT that decoded. */
  decoded: z.boolean(),
  /** Always false: decoded locally, the signature is not checked (Microsoft 365 checks it when the token is used). */
  signatureChecked: z.literal(false),
  note: z.string(),
  kind: z.enum(['app-only', 'delegated', 'unknown']),
  audience: z.string().nullable(),
  tenantId: z.string().nullable(),
  appId: z.string().nullable(),
  appName: z.string().nullable(),
  /** Delegated tokens: who signed in. */
  user: z.string().nullable(),
  roles: z.array(z.string()),
  scopes: z.array(z.string()),
  issuedAt: z.iso.datetime().nullable(),
  notBefore: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  /** Negative once expired. */
  secondsLeft: z.number().int().nullable(),
  checks: z.array(tokenCheckSchema),
  /** The failed checks' messages, in the admin's words. */
  problems: z.array(z.string()),
  /** No check failed. */
  usable: z.boolean(),
});
export type TokenExplanation = z.infer<typeof tokenExplanationSchema>;

export const tokenFailureSchema = z.object({
  /** input = refused before asking; network = could not reach the identity platform; identity-platform = it said no. */
  stage: z.enum(['input', 'network', 'identity-platform', 'cancelled', 'timeout']),
  /** `AADSTS7000215`, when the platform named one. */
  aadsts: z.string().nullable(),
  /** OAuth error (`invalid_client`). */
  error: z.string().nullable(),
  title: z.string(),
  explanation: z.string(),
  steps: z.array(z.string()),
  item: readinessItemIdSchema.nullable(),
  /** The platform's own description, secret redacted (for a support ticket). */
  detail: z.string().nullable(),
  correlationId: z.string().nullable(),
});
export type TokenFailure = z.infer<typeof tokenFailureSchema>;

/** What may cross to the renderer: the explanation, never the token itself. */
export const tokenOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('acquired'), flow: z.enum(['client-credentials', 'device-code']), expiresOn: z.iso.datetime().nullable(), scopes: z.array(z.string()), explanation: tokenExplanationSchema }),
  z.object({ status: z.literal('refused'), flow: z.enum(['client-credentials', 'device-code']), failure: tokenFailureSchema }),
]);
export type TokenOutcome = z.infer<typeof tokenOutcomeSchema>;

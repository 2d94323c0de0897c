/**
 * The one contract between the renderer and everything else (Electron IPC, the
 * browser-mode HTTP bridge, the CLI). Each channel declares a zod schema for its input
 * and for the value of its result, so the types and the runtime validation cannot
 * drift (the idea of GitHub Desktop's `ipc-shared.ts`, one step further).
 *
 * Pure TypeScript + zod: importable by main, preload, renderer and CLI.
 */
import { z } from 'zod';
import {
  authKindSchema,
  dnsServerSpecSchema,
  ehloNameSchema,
  emailAddressSchema,
  hostSchema,
  portSchema,
  secretInputSchema,
  securitySchema,
  usernameSchema,
} from './fields';
import { checklistEventSchema, checklistInputSchema, checklistReportSchema } from '../src-main/checks/schemas';
import { propagationReportSchema, propagationRequestSchema } from '../src-main/dns/schemas';
import { explainInputSchema, explainResultSchema } from '../src-main/analyze/schemas';
import {
  connectionReportSchema,
  connectionTestFieldsSchema,
  phaseEventSchema,
  probeEventSchema,
  probeInputSchema,
  probeReportSchema,
  smtpCredentialsFieldsSchema,
} from '../src-main/smtp/schemas';
import {
  explainTokenInputSchema,
  generatedScriptSchema,
  m365ChecklistInputSchema,
  m365ChecklistSchema,
  m365FactsSchema,
  retirementStatusSchema,
  scriptRequestSchema,
  tokenExplanationSchema,
} from '../src-main/m365/schemas';

// ---------------------------------------------------------------------------
// Errors and results

/** Closed set of error codes. Add here first; every consumer switches exhaustively. */
export const errorCodes = [
  'invalid-input',
  /** The caller is not the app's own renderer (IPC sender frame or bridge request check). */
  'forbidden',
  'not-found',
  'conflict',
  'keychain-unavailable',
  'store-unavailable',
  'cancelled',
  'timeout',
  'internal',
] as const;
export const errorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const appErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  hint: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AppError = z.infer<typeof appErrorSchema>;

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: AppError };

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: appErrorSchema }),
  ]);
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string, extra: Pick<AppError, 'hint' | 'details'> = {}): Result<never> {
  return { ok: false, error: { code, message, ...extra } };
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}

// ---------------------------------------------------------------------------
// Shared field schemas: one definition each, in fields.ts (also used by the SMTP
// engine and the DNS checks), so a value saved here is a value the engine accepts.

export {
  authKindSchema,
  dnsServerSpecSchema,
  ehloNameSchema,
  emailAddressSchema,
  hostSchema,
  portSchema,
  safeText,
  secretInputSchema,
  securitySchema,
  usernameSchema,
  type AuthKind,
  type Security,
} from './fields';

export const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/u, { message: 'Identifier must be lowercase letters, digits and hyphens.' });

export const isoTimeSchema = z.iso.datetime();

export const platformIds = ['zendesk', 'zuora', 'zuora-ses', 'clienttether', 'generic'] as const;
export const platformIdSchema = z.enum(platformIds);
export type PlatformId = z.infer<typeof platformIdSchema>;

export const environmentSchema = z.enum(['sandbox', 'production']);
export type Environment = z.infer<typeof environmentSchema>;

export const dkimSelectorSchema = z
  .string()
  .max(63)
  .regex(/^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*$/iu, {
    message: 'A DKIM selector is letters, digits, hyphens and dots, such as zendesk1.',
  });

// ---------------------------------------------------------------------------
// Domain objects

export const addressFieldsSchema = z.strictObject({
  address: emailAddressSchema,
  platform: platformIdSchema,
  environment: environmentSchema,
  provider: idSchema,
  host: hostSchema,
  port: portSchema,
  security: securitySchema,
  username: usernameSchema,
  authKind: authKindSchema,
  selectors: z.array(dkimSelectorSchema).max(16).default([]),
});
export type AddressFields = z.output<typeof addressFieldsSchema>;

export const addressSchema = z.strictObject({
  ...addressFieldsSchema.shape,
  id: idSchema,
  createdAt: isoTimeSchema,
  updatedAt: isoTimeSchema,
  /** When the keychain entry was last written by Relayproof; never the secret itself. */
  secretChangedAt: isoTimeSchema.nullable(),
});
export type Address = z.output<typeof addressSchema>;

/** What is known about the keychain entry of one address. `null` = keychain not readable now. */
export const secretStateSchema = z.object({
  stored: z.boolean().nullable(),
  changedAt: isoTimeSchema.nullable(),
});
export type SecretState = z.infer<typeof secretStateSchema>;

export const addressViewSchema = z.object({ ...addressSchema.shape, secret: secretStateSchema });
export type AddressView = z.infer<typeof addressViewSchema>;

export const settingsSchema = z.strictObject({
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  /** Resolvers for checks, as host or host:port; empty = the system's resolvers. */
  dnsServers: z.array(dnsServerSpecSchema).max(8, { message: 'Give at most 8 DNS servers.' }).default([]),
  /** Name sent in EHLO; null = derived from this machine (never "localhost"). */
  ehloName: ehloNameSchema.nullable().default(null),
  smtpTimeoutSeconds: z
    .number({ error: 'The SMTP timeout is a number of seconds.' })
    .int({ message: 'The SMTP timeout is a whole number of seconds.' })
    .min(5, { message: 'The SMTP timeout must be at least 5 seconds.' })
    .max(300, { message: 'The SMTP timeout can be at most 300 seconds.' })
    .default(30),
  /**
   * Certificates the admin chose to trust for one host (self-signed or private CA):
   * exactly this SHA-256 fingerprint, nothing else.
   */
  pinnedCertificates: z
    .array(
      z.strictObject({
        host: hostSchema,
        sha256: z.string().regex(/^[0-9A-F]{64}$/u, { message: 'A certificate fingerprint is 64 hexadecimal characters (SHA-256).' }),
        pinnedAt: isoTimeSchema,
      }),
    )
    .max(64)
    .default([]),
  rotationReminderDays: z
    .number({ error: 'The rotation reminder is a number of days.' })
    .int({ message: 'The rotation reminder is a whole number of days.' })
    .min(7, { message: 'The rotation reminder must be at least 7 days.' })
    .max(730, { message: 'The rotation reminder can be at most 730 days (two years).' })
    .nullable()
    .default(90),
});
export type Settings = z.output<typeof settingsSchema>;

export const keychainStateSchema = z.object({
  backend: z.literal('keytar'),
  status: z.enum(['available', 'module-missing', 'no-service', 'locked', 'error']),
  message: z.string(),
  fix: z.string().optional(),
});
export type KeychainState = z.infer<typeof keychainStateSchema>;

/** A problem the store found and recovered from; shown until dismissed. */
export const storeNoticeSchema = z.object({
  id: idSchema,
  at: isoTimeSchema,
  kind: z.enum(['corrupt-json', 'invalid-content', 'future-version', 'unreadable', 'empty']),
  message: z.string(),
  backupPath: z.string().nullable(),
});
export type StoreNotice = z.infer<typeof storeNoticeSchema>;

export const appInfoSchema = z.object({
  name: z.literal('Relayproof'),
  version: z.string(),
  mode: z.enum(['electron', 'browser', 'cli']),
  platform: z.string(),
  dataDirectory: z.string(),
  settingsFile: z.string(),
  keychain: keychainStateSchema,
  notices: z.array(storeNoticeSchema),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

// ---------------------------------------------------------------------------
// Channels

export interface ChannelSpec {
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  /** Progress events of a long operation (its input then carries `operationId`). */
  readonly event?: z.ZodType;
  /** Deadline in ms for the handler; it is aborted after that. */
  readonly timeoutMs?: number;
  /** Field names in the input that hold secrets: redacted from every log line. */
  readonly secretFields?: readonly string[];
}

const empty = z.strictObject({});

/**
 * A patch: every key optional and WITHOUT its default. (zod's `.partial()` keeps
 * `.default()`s, so `{ theme: 'dark' }` would reset every other setting to its default.)
 */
function patchOf<T extends z.ZodRawShape>(schema: z.ZodObject<T>) {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => [key, (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType)).optional()]),
  ) as unknown as { [K in keyof T]: z.ZodOptional<T[K] extends z.ZodDefault<infer Inner> ? Inner : T[K]> };
  return z.strictObject(shape);
}

/** Names a long operation, for its events and for cancelling it. */
export const operationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/u);

/**
 * A connection test names where its secret comes from: the keychain entry of a saved
 * address, or a draft's secret held in memory for this one call.
 */
const smtpTestInput = connectionTestFieldsSchema.extend({
  operationId: operationIdSchema,
  addressId: idSchema.optional(),
  secret: secretInputSchema.optional(),
  credentials: smtpCredentialsFieldsSchema.nullable().default(null),
});
/** A keychain call may wait for the admin to answer an unlock prompt. */
const KEYCHAIN_TIMEOUT_MS = 120_000;

/** The engine's own deadline is at most 300 s; the dispatcher's sits just above it. */
const SMTP_CHANNEL_TIMEOUT_MS = 310_000;
const byId = z.strictObject({ id: idSchema });


export const contract = {
  'app:get-info': { input: empty, output: appInfoSchema, timeoutMs: KEYCHAIN_TIMEOUT_MS },
  'app:dismiss-notice': { input: byId, output: z.object({ dismissed: z.boolean() }) },
  'app:cancel-operation': { input: z.strictObject({ operationId: operationIdSchema }), output: z.object({ cancelled: z.boolean() }) },
  'settings:get': { input: empty, output: settingsSchema },
  'settings:update': { input: z.strictObject({ patch: patchOf(settingsSchema) }), output: settingsSchema },
  'addresses:list': { input: empty, output: z.array(addressViewSchema), timeoutMs: KEYCHAIN_TIMEOUT_MS },
  'addresses:create': {
    input: z.strictObject({ fields: addressFieldsSchema, secret: secretInputSchema.optional() }),
    output: addressViewSchema,
    timeoutMs: KEYCHAIN_TIMEOUT_MS,
    secretFields: ['secret'],
  },
  'addresses:update': {
    input: z.strictObject({ id: idSchema, patch: patchOf(addressFieldsSchema) }),
    output: addressViewSchema,
    timeoutMs: KEYCHAIN_TIMEOUT_MS,
  },
  'addresses:delete': { input: byId, output: z.object({ deleted: z.boolean(), secretDeleted: z.boolean() }), timeoutMs: KEYCHAIN_TIMEOUT_MS },
  'vault:set-secret': {
    input: z.strictObject({ addressId: idSchema, secret: secretInputSchema }),
    output: secretStateSchema,
    timeoutMs: KEYCHAIN_TIMEOUT_MS,
    secretFields: ['secret'],
  },
  'vault:has-secret': { input: z.strictObject({ addressId: idSchema }), output: secretStateSchema, timeoutMs: KEYCHAIN_TIMEOUT_MS },
  'vault:delete-secret': { input: z.strictObject({ addressId: idSchema }), output: z.object({ deleted: z.boolean() }), timeoutMs: KEYCHAIN_TIMEOUT_MS },
  /** Every phase from DNS to QUIT; streamed, cancellable; never sends credentials before TLS. */
  'smtp:test-connection': {
    input: smtpTestInput,
    output: connectionReportSchema,
    event: phaseEventSchema,
    timeoutMs: SMTP_CHANNEL_TIMEOUT_MS,
    secretFields: ['secret'],
  },
  /** The same test ending with a real message carrying a unique token. */
  'smtp:send-test-message': {
    input: smtpTestInput,
    output: connectionReportSchema,
    event: phaseEventSchema,
    timeoutMs: SMTP_CHANNEL_TIMEOUT_MS,
    secretFields: ['secret'],
  },
  /** Which ports and security modes a host offers, with one recommendation. */
  'smtp:probe': {
    input: probeInputSchema.extend({ operationId: operationIdSchema }),
    output: probeReportSchema,
    event: probeEventSchema,
    timeoutMs: SMTP_CHANNEL_TIMEOUT_MS,
  },
  /** Any pasted error (reply line, bounce, Zuora message) → diagnoses with fix steps. */
  'analyze:explain': { input: explainInputSchema, output: explainResultSchema },
  /** The DKIM/SPF/DMARC checklist of a domain; items stream as they finish. */
  'checks:run-checklist': {
    input: checklistInputSchema.extend({ operationId: operationIdSchema }),
    output: checklistReportSchema,
    event: checklistEventSchema,
    timeoutMs: 60_000,
  },
  /** One record as the authoritative servers and each configured resolver serve it. */
  'checks:check-propagation': { input: propagationRequestSchema, output: propagationReportSchema, timeoutMs: 30_000 },
  /** Microsoft 365 readiness for a mailbox; a pasted error or a test report marks the item it proves wrong. */
  'm365:get-checklist': { input: m365ChecklistInputSchema, output: m365ChecklistSchema, timeoutMs: 10_000 },
  /** One generated PowerShell script; values are validated and quoted, never escaped. */
  'm365:generate-script': { input: scriptRequestSchema, output: generatedScriptSchema, timeoutMs: 10_000 },
  /** resources/m365.json and where Basic-auth retirement stands today. */
  'm365:get-facts': { input: empty, output: z.object({ facts: m365FactsSchema, retirement: retirementStatusSchema }), timeoutMs: 10_000 },
  /** An access token explained from its own claims, decoded locally; the token never comes back. */
  'm365:explain-token': { input: explainTokenInputSchema, output: tokenExplanationSchema, timeoutMs: 10_000, secretFields: ['token'] },
} as const satisfies Record<string, ChannelSpec>;

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export const channelNames = Object.keys(contract) as ChannelName[];

export function isChannelName(value: unknown): value is ChannelName {
  return typeof value === 'string' && Object.hasOwn(contract, value);
}

/** What the caller passes (defaults may be omitted). */
export type ChannelInput<C extends ChannelName> = z.input<Contract[C]['input']>;
/** What the handler receives after parsing. */
export type ParsedInput<C extends ChannelName> = z.output<Contract[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Contract[C]['output']>;
export type ChannelResult<C extends ChannelName> = Result<ChannelOutput<C>>;

/** Envelope of a progress event for a long operation, on every transport. */
export const operationEventSchema = z.object({
  operationId: operationIdSchema,
  channel: z.string(),
  seq: z.number().int().nonnegative(),
  event: z.unknown(),
});
export type OperationEvent = z.infer<typeof operationEventSchema>;

/** The object exposed as `window.relayproof` (Electron) and implemented over HTTP (browser mode). */
export interface RelayproofApi {
  invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelResult<C>>;
  /** Subscribe to progress events; returns the unsubscribe function. */
  onEvent(listener: (event: OperationEvent) => void): () => void;
}

/** IPC channel that carries OperationEvent from main to the renderer. */
export const EVENT_CHANNEL = 'relayproof:event';

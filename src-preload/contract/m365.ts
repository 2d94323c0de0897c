/**
 * Channels of Microsoft 365: the readiness guide (checklist, generated PowerShell, the
 * facts and where Basic-auth retirement stands, a pasted token explained; its schemas are
 * in m365-schemas.ts) and the OAuth 2.0 path: the client secret of an
 * address's app registration saved to the keychain, app-only and device-code tokens
 * acquired in main and held there in memory for the address, and what is known about
 * both. No channel returns a token or a secret: a token's outcome is its explained
 * claims; the connection test (`smtp:test-connection` with `oauth2` credentials and
 * the address id) borrows the held token inside main.
 */
import { z } from 'zod';
import { KEYCHAIN_TIMEOUT_MS, empty, operationIdSchema, type ChannelSpec } from './channel-spec';
import { idSchema, isoTimeSchema, secretInputSchema } from './fields';
import {
  appIdSchema,
  certificateThumbprintSchema,
  deviceCodePromptSchema,
  explainTokenInputSchema,
  generatedScriptSchema,
  m365ChecklistInputSchema,
  m365ChecklistSchema,
  m365FactsSchema,
  retirementStatusSchema,
  scriptRequestSchema,
  tenantSchema,
  tokenExplanationSchema,
  tokenOutcomeSchema,
} from './m365-schemas';

export const appTokenRequestSchema = z.strictObject({
  /** The saved address the token is for: it is held for this address only. */
  addressId: idSchema,
  /** Directory (tenant) ID (a GUID) or the tenant's domain; never `common`. */
  tenantId: tenantSchema,
  /** Application (client) ID of the app registration. */
  clientId: appIdSchema,
  /** A one-off test with a secret typed now; omitted = the saved certificate if there is one, else the saved secret. */
  clientSecret: secretInputSchema.optional(),
});
export type AppTokenRequest = z.input<typeof appTokenRequestSchema>;

/**
 * The certificate credential of the address's app registration. The private key goes to
 * the keychain (main checks it parses as an RSA private key); the thumbprint and the
 * optional certificate are public and saved with the app registration.
 */
export const clientCertificateRequestSchema = z.strictObject({
  addressId: idSchema,
  /** As the Entra portal shows it under Certificates & secrets: hex SHA-1 (40) or SHA-256 (64). */
  thumbprint: certificateThumbprintSchema,
  /** PEM private key of the certificate; sent once, never returned. */
  privateKeyPem: z
    .string({ error: 'The private key must be text.' })
    .max(16_384, { message: 'The private key is longer than 16384 characters: paste only the key (-----BEGIN PRIVATE KEY----- … -----END PRIVATE KEY-----).' })
    .refine((s) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/u.test(s), { message: 'Paste the private key as PEM: it starts with -----BEGIN PRIVATE KEY----- (or -----BEGIN RSA PRIVATE KEY-----).' }),
  /** PEM certificate (public), sent as x5c; optional. */
  certificatePem: z
    .string()
    .max(16_384, { message: 'The certificate is longer than 16384 characters.' })
    .refine((s) => s.includes('-----BEGIN CERTIFICATE-----'), { message: 'The certificate must be PEM (-----BEGIN CERTIFICATE-----).' })
    .optional(),
});
export type ClientCertificateRequest = z.input<typeof clientCertificateRequestSchema>;

/** Which credential signed the app-only token request. */
export const appCredentialUsedSchema = z.enum(['client-secret', 'saved-client-secret', 'certificate']);
export type AppCredentialUsed = z.infer<typeof appCredentialUsedSchema>;

export const deviceCodeRequestSchema = z.strictObject({
  operationId: operationIdSchema,
  addressId: idSchema,
  /** The tenant, or `organizations` for any work account. */
  tenantId: z.union([tenantSchema, z.literal('organizations')]),
  clientId: appIdSchema,
  /** Give up after this many seconds (default: the code's own lifetime, about 15 minutes). */
  timeoutSeconds: z.number().int().min(10).max(1800).optional(),
});
export type DeviceCodeRequest = z.input<typeof deviceCodeRequestSchema>;

/** What main holds for an address: whether a client secret is saved, the held token's facts (never the token), and the saved app registration. */
export const oauthStateSchema = z.object({
  /** null = the keychain cannot be read right now. */
  clientSecretStored: z.boolean().nullable(),
  token: z
    .object({
      flow: z.enum(['client-credentials', 'device-code']),
      expiresAt: isoTimeSchema,
      tenantId: z.string(),
      clientId: z.string(),
    })
    .nullable(),
  /**
   * The app registration (non-secret tenant and client id) saved with the last app-only
   * token for this address, to pre-fill the OAuth tab; null = none saved.
   */
  registration: z.object({ tenantId: z.string(), clientId: z.string(), savedAt: isoTimeSchema }).nullable(),
  /** The saved certificate credential (its public half; never the key); null = none saved. */
  certificate: z
    .object({
      thumbprint: z.string(),
      /** Whether the PEM certificate was saved too (sent as x5c). */
      certificateSaved: z.boolean(),
      /** null = the keychain cannot be read right now. */
      keyStored: z.boolean().nullable(),
      savedAt: isoTimeSchema,
    })
    .nullable(),
});
export type OAuthState = z.infer<typeof oauthStateSchema>;

/** The device-code flow's event: the code to type at the URL. */
export const deviceCodeEventSchema = z.object({ type: z.literal('device-code'), prompt: deviceCodePromptSchema });
export type DeviceCodeEvent = z.infer<typeof deviceCodeEventSchema>;

/** msal waits for the identity platform for at most 30 s; the keychain may prompt first. */
const TOKEN_TIMEOUT_MS = KEYCHAIN_TIMEOUT_MS + 35_000;

export const m365Channels = {
  /** Microsoft 365 readiness for a mailbox; a pasted error or a test report marks the item it proves wrong. */
  'm365:get-checklist': { input: m365ChecklistInputSchema, output: m365ChecklistSchema, timeoutMs: 10_000 },
  /** One generated PowerShell script; values are validated and quoted, never escaped. */
  'm365:generate-script': { input: scriptRequestSchema, output: generatedScriptSchema, timeoutMs: 10_000 },
  /** resources/m365.json and where Basic-auth retirement stands today. */
  'm365:get-facts': { input: empty, output: z.object({ facts: m365FactsSchema, retirement: retirementStatusSchema }), timeoutMs: 10_000 },
  /** An access token explained from its own claims, decoded locally; the token never comes back. */
  'm365:explain-token': { input: explainTokenInputSchema, output: tokenExplanationSchema, timeoutMs: 10_000, secretFields: ['token'] },
  /** Saves the client secret of the address's app registration in the OS keychain; never returned. */
  'm365:set-client-secret': {
    input: z.strictObject({ addressId: idSchema, secret: secretInputSchema }),
    output: z.object({ stored: z.literal(true), changedAt: isoTimeSchema }),
    timeoutMs: KEYCHAIN_TIMEOUT_MS,
    secretFields: ['secret'],
  },
  /** Saves the certificate credential: the private key in the OS keychain (never returned), the thumbprint and certificate with the app registration. */
  'm365:set-client-certificate': {
    input: clientCertificateRequestSchema,
    output: z.object({ stored: z.literal(true), thumbprint: z.string(), changedAt: isoTimeSchema }),
    timeoutMs: KEYCHAIN_TIMEOUT_MS,
    secretFields: ['privateKeyPem'],
  },
  /** Is a client secret saved, is a token held in memory for this address, and which app registration was saved for it? */
  'm365:get-oauth-state': { input: z.strictObject({ addressId: idSchema }), output: oauthStateSchema, timeoutMs: KEYCHAIN_TIMEOUT_MS },
  /** App-only token (client credentials): held in memory for the address; its explained claims come back, never the token. */
  'm365:acquire-app-token': {
    input: appTokenRequestSchema,
    /** `credential`: a client secret given now, the saved client secret, or the saved certificate (used when no secret is given). */
    output: tokenOutcomeSchema.and(z.object({ credential: appCredentialUsedSchema })),
    timeoutMs: TOKEN_TIMEOUT_MS,
    secretFields: ['clientSecret'],
  },
  /** Delegated token by device code: the code and URL stream as an event; held like an app-only token. */
  'm365:acquire-delegated-token': {
    input: deviceCodeRequestSchema,
    output: tokenOutcomeSchema,
    event: deviceCodeEventSchema,
    timeoutMs: 1900 * 1000,
  },
  /** Drops the token held for the address (sign-out, or to test without it). */
  'm365:forget-token': { input: z.strictObject({ addressId: idSchema }), output: z.object({ forgotten: z.boolean() }) },
} as const satisfies Record<string, ChannelSpec>;

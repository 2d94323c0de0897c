/**
 * Channels of the addresses and the connect wizard: list, create, update and
 * delete, the new-address check (syntax, platform limits, system addresses,
 * sandbox/production duplicates), two-phase rotation, lifecycle history, export/import of
 * non-secret configuration, and the wizard draft. What an address is: addresses-schemas.ts.
 */
import { z } from 'zod';
import {
  addressFieldsSchema,
  addressViewSchema,
  environmentSchema,
  lifecycleEventSchema,
  proceedReasonSchema,
  wizardDraftSchema,
} from './addresses-schemas';
import { KEYCHAIN_TIMEOUT_MS, SMTP_CHANNEL_TIMEOUT_MS, byId, empty, operationIdSchema, patchOf, type ChannelSpec } from './channel-spec';
import { idSchema, isoTimeSchema, secretInputSchema } from './fields';
import { platformIdSchema } from './platform-vocabulary';
import { connectionReportSchema, phaseEventSchema } from './smtp-schemas';
import { sesIdentityExportRowSchema, sesIdentitySchema } from './ses-identities';

export const addressCheckInputSchema = z.strictObject({
  /** As typed: may be invalid, may be Unicode. */
  address: z.string().max(1000),
  platform: platformIdSchema,
  environment: environmentSchema,
  /** The address being edited (or the wizard's own in-progress address): not counted against itself. */
  excludeId: idSchema.optional(),
});

export const addressProblemCodes = ['syntax', 'system-address', 'limit-per-domain', 'limit-domains', 'limit-total', 'duplicate', 'environment', 'ses-identity-platform'] as const;
export const addressWarningCodes = ['other-environment', 'other-platform', 'internationalised'] as const;

export const addressCheckSchema = z.object({
  /** Null when the syntax is wrong. `ascii` is what SMTP and DNS use (punycode domain); `unicode` what people read. */
  ascii: z.string().nullable(),
  unicode: z.string().nullable(),
  domainAscii: z.string().nullable(),
  domainUnicode: z.string().nullable(),
  /** Any error means the address cannot be connected to this platform as it stands. */
  errors: z.array(z.object({ code: z.enum(addressProblemCodes), message: z.string() })),
  warnings: z.array(z.object({ code: z.enum(addressWarningCodes), message: z.string() })),
  /** This platform's addresses as they would be with this one added (Zendesk limits count these). */
  counts: z.object({ sameDomain: z.number().int(), domains: z.number().int(), total: z.number().int() }),
});
export type AddressCheck = z.infer<typeof addressCheckSchema>;

/** Versioned export of non-secret configuration. */
export const ADDRESS_EXPORT_FORMAT = 'relayproof-addresses';
export const addressExportSchema = z.object({
  format: z.literal(ADDRESS_EXPORT_FORMAT),
  version: z.literal(1),
  exportedAt: isoTimeSchema,
  /** Secrets are never exported: each address needs its secret entered again after import. */
  addresses: z.array(addressFieldsSchema),
  /** Zuora advanced SMTP (Amazon SES) identities; absent in files written before they existed. */
  sesIdentities: z.array(sesIdentityExportRowSchema).optional(),
});
export type AddressExport = z.infer<typeof addressExportSchema>;

export const importResultSchema = z.object({
  imported: z.array(addressViewSchema),
  /** Every row that was not imported, with its 1-based position and the reason in the admin's words. */
  rejected: z.array(z.object({ row: z.number().int().positive(), address: z.string().nullable(), reason: z.string() })),
  /** The SES identities imported, and each refused row of `sesIdentities` (1-based) with its reason (a fourth email identity, ...). */
  importedIdentities: z.array(sesIdentitySchema).default([]),
  rejectedIdentities: z.array(z.object({ row: z.number().int().positive(), identity: z.string().nullable(), reason: z.string() })).default([]),
});
export type ImportResult = z.infer<typeof importResultSchema>;

export const rotationResultSchema = z.object({
  /** True only when the new secret signed in and is now the stored one. */
  rotated: z.boolean(),
  changedAt: isoTimeSchema.nullable(),
  /** The test of the NEW secret against the address's server (run before anything is replaced). */
  report: connectionReportSchema,
});
export type RotationResult = z.infer<typeof rotationResultSchema>;

/** An export of 1,000 addresses is about 400 KB. */
export const MAX_IMPORT_CHARS = 1_000_000;

/**
 * Size and depth of an import document without recursion (a hostile file may nest
 * thousands of levels): strings and keys count their length, everything else 8.
 */
export function withinImportLimits(value: unknown, maxChars = MAX_IMPORT_CHARS, maxDepth = 32): boolean {
  let total = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop() as { value: unknown; depth: number };
    if (depth > maxDepth) return false;
    if (typeof v === 'string') total += v.length;
    else if (Array.isArray(v)) {
      total += 8;
      for (const item of v) stack.push({ value: item, depth: depth + 1 });
    } else if (typeof v === 'object' && v !== null) {
      total += 8;
      for (const [key, item] of Object.entries(v)) {
        total += key.length;
        stack.push({ value: item, depth: depth + 1 });
      }
    } else total += 8;
    if (total > maxChars) return false;
  }
  return true;
}

export const addressChannels = {
  'addresses:list': { input: empty, output: z.array(addressViewSchema), timeoutMs: KEYCHAIN_TIMEOUT_MS },
  'addresses:create': {
    input: z.strictObject({
      fields: addressFieldsSchema,
      secret: secretInputSchema.optional(),
      /** `in-progress`: the connect wizard saves the address with its secret before it has finished (addresses:complete-setup ends that). */
      setup: z.enum(['in-progress', 'complete']).default('complete'),
    }),
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
  /** Is this address acceptable for this platform and environment? Offline. */
  'addresses:check-new': { input: addressCheckInputSchema, output: addressCheckSchema },
  /** The wizard's Finish: the address leaves `in-progress`; a reason records a continue past a failed test. */
  'addresses:complete-setup': {
    input: z.strictObject({ id: idSchema, proceedReason: proceedReasonSchema.nullable().default(null) }),
    output: addressViewSchema,
    timeoutMs: KEYCHAIN_TIMEOUT_MS,
  },
  /** Two-phase rotation: test the new secret against the saved server, then replace; on failure the old one stays. */
  'addresses:rotate-secret': {
    input: z.strictObject({ operationId: operationIdSchema, id: idSchema, secret: secretInputSchema }),
    output: rotationResultSchema,
    event: phaseEventSchema,
    timeoutMs: SMTP_CHANNEL_TIMEOUT_MS + KEYCHAIN_TIMEOUT_MS,
    secretFields: ['secret'],
  },
  /** Lifecycle history (also of disconnected addresses); never secrets. */
  'addresses:events': { input: z.strictObject({ addressId: idSchema.optional() }), output: z.array(lifecycleEventSchema) },
  /** Non-secret configuration as versioned JSON (all addresses, or the ids given). */
  'addresses:export': { input: z.strictObject({ ids: z.array(idSchema).max(1000).optional() }), output: addressExportSchema },
  /** Validates every row; imports the good ones, reports each bad one, never touches existing addresses. */
  'addresses:import': {
    input: z.strictObject({
      document: z
        .unknown()
        .refine((v) => v !== undefined, { message: 'Give the exported document.' })
        .refine((v) => withinImportLimits(v), { message: 'The import file is larger than 1 MB or nested deeper than an export ever is.' }),
    }),
    output: importResultSchema,
    timeoutMs: KEYCHAIN_TIMEOUT_MS,
  },
  'wizard:get-draft': { input: empty, output: wizardDraftSchema.nullable() },
  /** Saves what the admin typed so far; refuses anything that is not a draft (a secret included). */
  'wizard:save-draft': { input: z.strictObject({ draft: wizardDraftSchema }), output: wizardDraftSchema },
  /** Cancel: forgets the draft and removes its in-progress address and keychain entry. */
  'wizard:discard-draft': { input: empty, output: z.object({ discarded: z.boolean(), addressRemoved: z.boolean() }), timeoutMs: KEYCHAIN_TIMEOUT_MS },
} as const satisfies Record<string, ChannelSpec>;

/**
 * The vault's channels: set, replace, test for and delete the secret of an address in the
 * OS keychain, and copy it to the clipboard inside main. No channel returns a secret.
 */
import { z } from 'zod';
import { KEYCHAIN_TIMEOUT_MS, type ChannelSpec } from './channel-spec';
import { idSchema, isoTimeSchema, secretInputSchema } from './fields';

/** What is known about the keychain entry of one address. `null` = keychain not readable now. */
export const secretStateSchema = z.object({
  stored: z.boolean().nullable(),
  changedAt: isoTimeSchema.nullable(),
});
export type SecretState = z.infer<typeof secretStateSchema>;

export const keychainStateSchema = z.object({
  backend: z.literal('keytar'),
  status: z.enum(['available', 'module-missing', 'no-service', 'locked', 'error']),
  message: z.string(),
  fix: z.string().optional(),
});
export type KeychainState = z.infer<typeof keychainStateSchema>;

/**
 * Whether "Copy password" can work in this process, known before anyone clicks it: the
 * Electron app always has a clipboard; browser mode and the CLI need a desktop session and
 * its clipboard tool. `install` names the package that makes it work, when one would.
 */
export const clipboardStateSchema = z.discriminatedUnion('available', [
  z.object({ available: z.literal(true) }),
  z.object({ available: z.literal(false), reason: z.string(), install: z.string().nullable() }),
]);
export type ClipboardState = z.infer<typeof clipboardStateSchema>;

/** Seconds after which main clears the clipboard if it still holds the copied secret. */
export const CLIPBOARD_CLEAR_SECONDS = 30;

export const vaultChannels = {
  'vault:set-secret': {
    input: z.strictObject({ addressId: idSchema, secret: secretInputSchema }),
    output: secretStateSchema,
    timeoutMs: KEYCHAIN_TIMEOUT_MS,
    secretFields: ['secret'],
  },
  'vault:has-secret': { input: z.strictObject({ addressId: idSchema }), output: secretStateSchema, timeoutMs: KEYCHAIN_TIMEOUT_MS },
  'vault:delete-secret': { input: z.strictObject({ addressId: idSchema }), output: z.object({ deleted: z.boolean() }), timeoutMs: KEYCHAIN_TIMEOUT_MS },
  /** Copies an address's secret to the system clipboard inside main; never returns it. */
  'vault:copy-secret-to-clipboard': {
    input: z.strictObject({ addressId: idSchema }),
    output: z.object({ copied: z.literal(true), clearsAfterSeconds: z.number().int().positive() }),
    timeoutMs: KEYCHAIN_TIMEOUT_MS,
  },
} as const satisfies Record<string, ChannelSpec>;

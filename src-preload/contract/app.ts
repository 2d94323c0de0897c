/**
 * The app itself: what it is and where its data lives (app:get-info, the store's notices),
 * Settings, and cancelling a long operation.
 *
 * The shared data folder: the app, `relayproof serve` and CLI commands all read and write
 * it; when another process changes a stored document, every open renderer is told with an
 * `OperationEvent` whose `operationId` is STORE_CHANGES_OPERATION_ID and `channel`
 * 'store:changes' (its `event` is a StoreChange), and refetches what it shows from it.
 */
import { z } from 'zod';
import { reminderDaysSchema } from './addresses-schemas';
import { KEYCHAIN_TIMEOUT_MS, byId, empty, operationIdSchema, patchOf, type ChannelSpec } from './channel-spec';
import { certificateSha256Schema, dnsServerSpecSchema, ehloNameSchema, hostSchema, idSchema, isoTimeSchema } from './fields';
import { clipboardStateSchema, keychainStateSchema } from './vault';

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
        sha256: certificateSha256Schema,
        /** Set by Relayproof when the pin is added or changed (whatever a caller sends). */
        pinnedAt: isoTimeSchema,
      }),
    )
    .max(64)
    .default([]),
  rotationReminderDays: reminderDaysSchema.nullable().default(90),
  /**
   * When `dnsServers` last changed; set by Relayproof, never by a caller. A stored secret
   * saved before it is lent only after its host's addresses are compared again.
   */
  dnsServersChangedAt: isoTimeSchema.optional(),
});
export type Settings = z.output<typeof settingsSchema>;

/** A problem the store found and recovered from; shown until dismissed. */
export const storeNoticeSchema = z.object({
  id: idSchema,
  at: isoTimeSchema,
  /** too-large: bigger than the file may be, never read; symlink: a link, never followed. */
  kind: z.enum(['corrupt-json', 'invalid-content', 'future-version', 'unreadable', 'empty', 'too-large', 'symlink']),
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
  /** Whether "Copy password" can work here (browser mode needs a desktop session and its clipboard tool). */
  clipboard: clipboardStateSchema,
  notices: z.array(storeNoticeSchema),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const STORE_CHANGES_OPERATION_ID = 'store-changes';
export const STORE_CHANGES_CHANNEL = 'store:changes';

export const storeChangeSchema = z.object({
  /** settings: config.json (addresses, settings, notices, lifecycle); verification: history files; m365-apps: OAuth registrations. */
  document: z.enum(['settings', 'verification', 'm365-apps']),
  /** For `verification`: the addresses whose history changed. */
  addressIds: z.array(idSchema),
  at: isoTimeSchema,
});
export type StoreChange = z.infer<typeof storeChangeSchema>;

export const appChannels = {
  'app:get-info': { input: empty, output: appInfoSchema, timeoutMs: KEYCHAIN_TIMEOUT_MS },
  'app:dismiss-notice': { input: byId, output: z.object({ dismissed: z.boolean() }) },
  'app:cancel-operation': { input: z.strictObject({ operationId: operationIdSchema }), output: z.object({ cancelled: z.boolean() }) },
  'settings:get': { input: empty, output: settingsSchema },
  'settings:update': { input: z.strictObject({ patch: patchOf(settingsSchema) }), output: settingsSchema },
} as const satisfies Record<string, ChannelSpec>;

/**
 * The shared data folder. The app, `relayproof serve` and CLI commands all read and write
 * it; when another process changes a stored document, every open renderer is told with an
 * `OperationEvent` whose `operationId` is STORE_CHANGES_OPERATION_ID and `channel`
 * 'store:changes' (its `event` is a StoreChange), and refetches what it shows from it.
 */
import { z } from 'zod';
import { idSchema, isoTimeSchema } from './domain';

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

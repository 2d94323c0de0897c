/**
 * Every saved address at once ("Re-check all", `relayproof status --all`): what a fleet run
 * reports per address and per mail server, and its progress events. The channel itself is
 * `verification:recheck-all` (verification.ts).
 */
import { z } from 'zod';
import { environmentSchema } from './addresses-schemas';
import { idSchema, isoTimeSchema } from './fields';
import { platformIdSchema } from './platform-vocabulary';
import { itemIdSchema, itemStateNameSchema } from './verification-schemas';

/** Connections to one mail server at once: Microsoft 365 allows 3 per mailbox and throttles beyond. */
export const DEFAULT_PER_HOST = 2;
export const DEFAULT_CONCURRENCY = 8;
export const MAX_PER_HOST = 10;
export const MAX_CONCURRENCY = 32;

export const fleetLimitsSchema = z.object({
  perHost: z.number().int().min(1).max(MAX_PER_HOST).default(DEFAULT_PER_HOST),
  concurrency: z.number().int().min(1).max(MAX_CONCURRENCY).default(DEFAULT_CONCURRENCY),
});

export const fleetItemSchema = z.object({
  id: itemIdSchema,
  title: z.string(),
  state: itemStateNameSchema,
  /** Why it is in that state; null = not checked yet. */
  explanation: z.string().nullable(),
});
export type FleetItem = z.infer<typeof fleetItemSchema>;

export const fleetAddressSchema = z.object({
  id: idSchema,
  address: z.string(),
  platform: platformIdSchema,
  environment: environmentSchema,
  overall: itemStateNameSchema,
  items: z.array(fleetItemSchema),
  /** End of the address's last check; null = never checked. */
  checkedAt: isoTimeSchema.nullable(),
  /** Its server answered "too many connections" (or throttled) during this run. */
  throttled: z.boolean(),
  /** Checked in this run (false: skipped, see `note`, or no run). */
  rechecked: z.boolean(),
  /** Why it was not checked in this run (checked too recently, cancelled ...); null when it was. */
  note: z.string().nullable(),
});
export type FleetAddress = z.infer<typeof fleetAddressSchema>;

export const fleetHostSchema = z.object({
  /** The mail server as Relayproof connects to it: address:port after resolution. */
  host: z.string(),
  /** The name(s) saved on the addresses, for people ("smtp.office365.com:587"). */
  names: z.array(z.string()),
  addresses: z.number().int().nonnegative(),
  /** Most re-checks of this server's addresses that held a connection slot at once. */
  maxConcurrent: z.number().int().nonnegative(),
  throttled: z.number().int().nonnegative(),
});
export type FleetHost = z.infer<typeof fleetHostSchema>;

export const fleetRunSchema = z.object({
  addresses: z.array(fleetAddressSchema),
  run: z.object({
    startedAt: isoTimeSchema,
    finishedAt: isoTimeSchema,
    concurrency: z.number().int().positive(),
    perHost: z.number().int().positive(),
    hosts: z.array(fleetHostSchema),
    cancelled: z.boolean(),
  }),
});
export type FleetRun = z.infer<typeof fleetRunSchema>;

/** Progress of a fleet run, one address at a time. */
export const fleetEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), total: z.number().int().nonnegative(), hosts: z.array(z.object({ host: z.string(), addresses: z.number().int().nonnegative() })) }),
  z.object({ type: z.literal('checking'), addressId: idSchema, host: z.string() }),
  z.object({ type: z.literal('throttled'), addressId: idSchema, host: z.string(), pausedMs: z.number().int().nonnegative(), reply: z.string() }),
  z.object({ type: z.literal('done'), address: fleetAddressSchema, done: z.number().int().nonnegative(), total: z.number().int().nonnegative() }),
]);
export type FleetEvent = z.infer<typeof fleetEventSchema>;

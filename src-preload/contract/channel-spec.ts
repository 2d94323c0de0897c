/**
 * What a channel declares, and the small schemas every channel group shares.
 */
import { z } from 'zod';
import { idSchema } from './fields';

export interface ChannelSpec {
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  /** Progress events of a long operation (its input then carries `operationId`). */
  readonly event?: z.ZodType;
  /** Deadline in ms for the handler; it is aborted after that. */
  readonly timeoutMs?: number;
  /**
   * Largest request body the browser-mode bridge reads for this channel (JSON bytes);
   * the bridge's 1 MiB default otherwise. Only channels that carry a file raise it.
   */
  readonly maxBodyBytes?: number;
  /** Field names in the input that hold secrets: redacted from every log line. */
  readonly secretFields?: readonly string[];
}

export const empty = z.strictObject({});

/**
 * A patch: every key optional and WITHOUT its default. (zod's `.partial()` keeps
 * `.default()`s, so `{ theme: 'dark' }` would reset every other setting to its default.)
 */
export function patchOf<T extends z.ZodRawShape>(schema: z.ZodObject<T>) {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => [key, (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType)).optional()]),
  ) as unknown as { [K in keyof T]: z.ZodOptional<T[K] extends z.ZodDefault<infer Inner> ? Inner : T[K]> };
  return z.strictObject(shape);
}

/** Names a long operation, for its events and for cancelling it. */
export const operationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/u);

/** A keychain call may wait for the admin to answer an unlock prompt. */
export const KEYCHAIN_TIMEOUT_MS = 120_000;

/** The engine's own deadline is at most 300 s; the dispatcher's sits just above it. */
export const SMTP_CHANNEL_TIMEOUT_MS = 310_000;
export const byId = z.strictObject({ id: idSchema });

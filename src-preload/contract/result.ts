/**
 * Every channel's result is data, never a thrown error: `{ ok, value }` or `{ ok: false,
 * error: { code, message, hint?, details? } }` with `code` from one closed union.
 */
import { z } from 'zod';

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

export { fail, ok } from './result-values';

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}

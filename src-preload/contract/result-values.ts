/**
 * Building a Result without loading zod: browser mode's server answers its first requests
 * (and refuses bad ones) before the schemas are imported. The types stay the schemas' own
 * (result.ts); this file only imports them as types.
 */
import type { AppError, ErrorCode, Result } from './result';

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string, extra: Pick<AppError, 'hint' | 'details'> = {}): Result<never> {
  return { ok: false, error: { code, message, ...extra } };
}

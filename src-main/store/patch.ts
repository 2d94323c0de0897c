/** A zod `.partial()` output may carry explicit `undefined`s; a patch of a stored document must not. */
export function definedOnly<T extends object>(patch: { [K in keyof T]?: T[K] | undefined }): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

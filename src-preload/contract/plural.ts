/**
 * Counts in sentences, shared by the renderer and the CLI so no surface says "1 warnings"
 * or "1 checks": the noun agrees with the number, as English wants it.
 */

/** "1 warning", "2 warnings", "0 warnings"; `many` for irregular plurals ("1 address", "2 addresses"). */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "3 of 12 checks", "1 of 1 check": the noun agrees with the total, which is what is counted. */
export function partOf(part: number, total: number, one: string, many = `${one}s`): string {
  return `${part} of ${countOf(total, one, many)}`;
}

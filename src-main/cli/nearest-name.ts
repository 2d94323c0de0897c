/**
 * "Did you mean --dns-server?": the known name closest to a mistyped one. It imports nothing,
 * so an unknown command is answered before any command's modules load.
 */

/**
 * Edit distance counting a swap of two neighbouring characters as one edit (optimal string
 * alignment): `--dns-sever` and `--dsn-server` are both one slip away from `--dns-server`.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = rows[i];
      if (row !== undefined) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate within two edits of `typed` (one for a name under five letters; the closest, the
 * first listed on a tie), else the
 * shortest one `typed` begins (`--dns` for `--dns-server`); undefined when nothing is near,
 * so a wild guess gets the list instead of a misleading suggestion.
 */
export function nearestName(typed: string, candidates: readonly string[]): string | undefined {
  const stem = typed.toLowerCase().replace(/^-+/u, '');
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const known = name.replace(/^-+/u, '');
    const distance = editDistance(stem, known);
    // Two edits turn `ip` into almost anything short (`id`, `to`): short names get one.
    if (distance <= (known.length >= 5 ? 2 : 1) && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  if (best !== undefined) return best.name;
  if (stem.length < 2) return undefined;
  const prefixed = candidates.filter((name) => name.replace(/^-+/u, '').startsWith(stem));
  return prefixed.sort((x, y) => x.length - y.length)[0];
}

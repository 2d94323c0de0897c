/**
 * Schema problems in the admin's words, the same wherever input is checked: the
 * dispatcher (a channel's contract schema), an engine's own check, the command line.
 */
export function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  const parts = issues.slice(0, 3).map((i) => (i.path.length > 0 ? `${i.path.map(String).join('.')}: ${i.message}` : i.message));
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return `${parts.join(' ')}${more}`;
}

/**
 * What `relayproof spf` and `relayproof check` share of their arguments and marks, in a
 * module that imports nothing heavy: `check` starts its DNS questions before it loads the
 * checks it does not need yet.
 */
import type { CheckItem } from '../../src-preload/contract/checks-schemas';
import { UsageError } from './io';

export const MARK: Record<CheckItem['status'], string> = { pass: '✓', warn: '!', fail: '✗', pending: '…', error: '?', 'needs-input': '✎', 'not-needed': '–' };

export function oneDomain(positionals: readonly string[], usage: string): string {
  const [domain] = positionals;
  if (domain === undefined || positionals.length !== 1) throw new UsageError(usage);
  return domain;
}

export function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];
}

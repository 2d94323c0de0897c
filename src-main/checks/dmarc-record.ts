/**
 * DMARC policy records as RFC 9989 (DMARCbis, obsoletes RFC 7489) defines them: tags
 * v p sp np adkim aspf rua ruf fo psd t; pct, rf and ri are removed (flagged as outdated,
 * not errors); invalid values are reported with the exact tag, and a corrected record
 * is produced.
 */
import { findHiddenCharacters } from '../../src-preload/contract/visible-text';
import { parseTagList } from './dkim-record';
import { finding } from './item';
import type { Finding } from '../../src-preload/contract/checks-schemas';

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';
const POLICIES: readonly DmarcPolicy[] = ['none', 'quarantine', 'reject'];
const KNOWN_TAGS = new Set(['v', 'p', 'sp', 'np', 'adkim', 'aspf', 'rua', 'ruf', 'fo', 'psd', 't']);
const REMOVED_TAGS = new Set(['pct', 'rf', 'ri']);

export interface DmarcUri {
  readonly tag: 'rua' | 'ruf';
  readonly uri: string;
  /** Domain of a mailto: address; null when the URI is not a valid mailto:. */
  readonly domain: string | null;
}

export interface DmarcAnalysis {
  readonly tags: Readonly<Record<string, string>>;
  readonly policy: DmarcPolicy | null;
  readonly subdomainPolicy: DmarcPolicy | null;
  readonly nonexistentPolicy: DmarcPolicy | null;
  readonly testing: boolean;
  readonly psd: 'y' | 'n' | 'u';
  readonly uris: readonly DmarcUri[];
  readonly findings: readonly Finding[];
  /**
   * The record with invalid values corrected and removed tags dropped; null when nothing
   * changes. A correction never makes a policy stricter or weaker than what receivers
   * apply today: an invalid p= becomes p=none (RFC 9989 §4.10.1), an invalid sp=/np= is
   * dropped (receivers fall back to p=), whatever the typo seems to mean.
   */
  readonly corrected: string | null;
  /** The policy an invalid p= most likely meant (`rejectt` → reject), a later stage, never pasted as is. */
  readonly intendedPolicy: DmarcPolicy | null;
}

/**
 * The record with tags set (appended when absent) or removed (null); v=DMARC1 stays first
 * and p= second, the other tags keep their order.
 */
export function withDmarcTags(record: string, changes: Readonly<Record<string, string | null>>): string {
  const parsed = parseTagList(record);
  const tags = new Map(parsed.tags);
  const keys = [...parsed.order];
  for (const [tag, value] of Object.entries(changes)) {
    if (value === null) tags.delete(tag);
    else {
      if (!tags.has(tag)) keys.push(tag);
      tags.set(tag, value);
    }
  }
  const ordered = ['v', 'p', ...keys.filter((k) => k !== 'v' && k !== 'p')];
  return ordered.filter((k) => tags.has(k) || k === 'v').map((k) => `${k}=${k === 'v' ? 'DMARC1' : (tags.get(k) ?? '')}`).join('; ');
}

/** RFC 9989 §4.7: a DMARC record begins with v=DMARC1. */
export function isDmarcRecord(text: string): boolean {
  return /^v\s*=\s*DMARC1\s*(;|$)/iu.test(text.trim());
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

/** The allowed value a typo most likely meant (`rejectt` → `reject`), when one is close. */
export function closest(value: string, allowed: readonly string[]): string | null {
  const lower = value.toLowerCase();
  const best = allowed.map((a) => ({ a, d: distance(lower, a) })).sort((x, y) => x.d - y.d)[0];
  return best !== undefined && best.d <= Math.max(1, Math.floor(best.a.length / 3)) ? best.a : null;
}

function asPolicy(value: string | undefined): DmarcPolicy | null {
  return value !== undefined && (POLICIES as readonly string[]).includes(value.toLowerCase()) ? (value.toLowerCase() as DmarcPolicy) : null;
}

export function analyzeDmarcRecord(text: string): DmarcAnalysis {
  const findings: Finding[] = [];
  const hidden = findHiddenCharacters(text);
  if (hidden.length > 0) {
    findings.push(finding('dmarc-hidden-characters', 'fail', `The record contains invisible characters (${hidden.map((h) => `${h.label} at position ${h.index + 1}`).join(', ')}); receivers may not parse it. Re-type it as plain text.`));
  }
  const parsed = parseTagList(text);
  for (const error of parsed.errors) findings.push(finding('dmarc-tag-syntax', 'fail', `${error.message} (RFC 9989 §4.7).`, error.tag));
  const tags = parsed.tags;
  const corrected = new Map(tags);
  const subject = (tag: string) => `${tag}=${tags.get(tag) ?? ''}`;

  if (parsed.order[0] !== 'v') findings.push(finding('dmarc-version-not-first', 'fail', 'v=DMARC1 must be the first tag, or receivers ignore the record (RFC 9989 §4.7).', 'v'));

  let intendedPolicy: DmarcPolicy | null = null;
  const policyTag = (tag: 'p' | 'sp' | 'np', label: string): DmarcPolicy | null => {
    const value = tags.get(tag);
    if (value === undefined) return null;
    const policy = asPolicy(value);
    if (policy !== null) return policy;
    const guess = closest(value, POLICIES);
    findings.push(
      finding(
        `dmarc-invalid-${tag}`,
        'fail',
        `${tag}=${value} is not a policy${guess ? ` (did you mean ${tag}=${guess}?)` : ''}: ${label} must be none, quarantine or reject. ${tag === 'p' ? 'Receivers treat the record as p=none when rua= is valid, and ignore it otherwise (RFC 9989 §4.10.1).' : 'Receivers fall back to the p= policy.'}`,
        subject(tag),
      ),
    );
    // What receivers do today, not what the typo seems to mean: p= → none, sp=/np= → p=.
    if (tag === 'p') {
      intendedPolicy = guess === null ? null : asPolicy(guess);
      corrected.set(tag, 'none');
    } else corrected.delete(tag);
    return null;
  };
  const policy = policyTag('p', 'the domain policy');
  const subdomainPolicy = policyTag('sp', 'the subdomain policy');
  const nonexistentPolicy = policyTag('np', 'the policy for non-existent subdomains');
  if (!tags.has('p') && parsed.errors.length === 0) {
    findings.push(finding('dmarc-no-p', 'warn', 'The record has no p= tag: receivers apply p=none (RFC 9989 §4.10.1). State the policy explicitly.', null));
    corrected.set('p', 'none');
  }

  for (const tag of ['adkim', 'aspf'] as const) {
    const value = tags.get(tag);
    if (value !== undefined && !/^[rs]$/iu.test(value)) {
      findings.push(finding(`dmarc-invalid-${tag}`, 'fail', `${tag}=${value} is invalid: use ${tag}=r (relaxed, the default) or ${tag}=s (strict). Receivers ignore the tag and use relaxed.`, subject(tag)));
      corrected.set(tag, 'r');
    }
  }

  const fo = tags.get('fo');
  if (fo !== undefined && !fo.split(':').every((o) => /^[01ds]$/iu.test(o.trim()))) {
    findings.push(finding('dmarc-invalid-fo', 'warn', `fo=${fo} is invalid: it takes 0, 1, d or s, separated by colons (RFC 9991 §3); receivers use fo=0.`, subject('fo')));
    corrected.delete('fo');
  }
  const psdValue = (tags.get('psd') ?? 'u').toLowerCase();
  if (!['y', 'n', 'u'].includes(psdValue)) {
    findings.push(finding('dmarc-invalid-psd', 'fail', `psd=${tags.get('psd') ?? ''} is invalid: use y, n or u (RFC 9989 §4.7).`, subject('psd')));
    corrected.delete('psd');
  } else if (psdValue === 'y') {
    findings.push(finding('dmarc-psd-yes', 'warn', 'psd=y declares this domain a public suffix (like a registry); only public suffix operators publish that. Remove it.', subject('psd')));
  }
  const tValue = tags.get('t');
  if (tValue !== undefined && !/^[yn]$/iu.test(tValue)) {
    findings.push(finding('dmarc-invalid-t', 'fail', `t=${tValue} is invalid: use t=y (testing) or t=n.`, subject('t')));
    corrected.delete('t');
  }
  const testing = tValue?.toLowerCase() === 'y';

  const uris: DmarcUri[] = [];
  for (const tag of ['rua', 'ruf'] as const) {
    const value = tags.get(tag);
    if (value === undefined) continue;
    const fixedList: string[] = [];
    for (const raw of value.split(',').map((u) => u.trim()).filter((u) => u !== '')) {
      const sizeless = raw.replace(/!\d+[kmgt]?$/iu, '');
      if (sizeless !== raw) findings.push(finding('dmarc-size-limit', 'warn', `"${raw}": the !size suffix was removed by RFC 9989 and is ignored; drop it.`, `${tag}=${raw}`));
      const mailto = /^mailto:([^@\s]+)@([^@\s]+)$/iu.exec(sizeless);
      if (mailto) {
        uris.push({ tag, uri: sizeless, domain: (mailto[2] ?? '').toLowerCase() });
        fixedList.push(sizeless);
      } else if (/^[^:@\s]+@[^@\s]+\.[^@\s]+$/u.test(sizeless)) {
        findings.push(finding(`dmarc-${tag}-without-mailto`, 'fail', `${tag}=${sizeless} is missing "mailto:": write ${tag}=mailto:${sizeless}. Without it no reports are sent.`, `${tag}=${raw}`));
        uris.push({ tag, uri: sizeless, domain: null });
        fixedList.push(`mailto:${sizeless}`);
      } else {
        findings.push(finding(`dmarc-invalid-${tag}`, 'fail', `${tag}=${sizeless} is not a mailto: address; reports can only be sent to mailto: URIs.`, `${tag}=${raw}`));
        uris.push({ tag, uri: sizeless, domain: null });
      }
    }
    if (fixedList.length > 0) corrected.set(tag, fixedList.join(','));
    else corrected.delete(tag);
  }

  for (const tag of parsed.order) {
    if (REMOVED_TAGS.has(tag)) {
      const value = tags.get(tag) ?? '';
      const advice = tag === 'pct' ? ' Use t=y while testing instead.' : '';
      findings.push(finding(`dmarc-removed-${tag}`, 'warn', `${tag}= was removed by DMARCbis (RFC 9989); current receivers ignore it.${advice} Remove it.`, `${tag}=${value}`));
      if (tag === 'pct' && !/^(100|[1-9]?\d)$/u.test(value)) {
        findings.push(finding('dmarc-invalid-pct', 'fail', `pct=${value} is out of range: it must be a whole number from 0 to 100 (RFC 7489 §6.3), so older receivers ignore the whole record.`, `pct=${value}`));
      }
      corrected.delete(tag);
    } else if (!KNOWN_TAGS.has(tag)) {
      findings.push(finding('dmarc-unknown-tag', 'warn', `${tag}= is not a DMARC tag and is ignored (RFC 9989 §4.7).`, `${tag}=${tags.get(tag) ?? ''}`));
    }
  }

  const changed = findings.some((f) => f.severity === 'fail' || f.code.startsWith('dmarc-removed') || f.code === 'dmarc-no-p' || f.code === 'dmarc-size-limit' || f.code === 'dmarc-invalid-fo');
  const ordered = ['v', 'p', ...[...corrected.keys()].filter((k) => k !== 'v' && k !== 'p')];
  return {
    tags: Object.fromEntries(tags),
    policy,
    subdomainPolicy,
    nonexistentPolicy,
    testing,
    psd: psdValue === 'y' || psdValue === 'n' ? psdValue : 'u',
    uris,
    findings,
    intendedPolicy,
    corrected: changed ? ordered.filter((k) => corrected.has(k)).map((k) => `${k}=${k === 'v' ? 'DMARC1' : (corrected.get(k) ?? '')}`).join('; ') : null,
  };
}

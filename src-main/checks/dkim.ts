/**
 * The DKIM check for one selector (RFC 6376 §3.6, RFC 8301, RFC 8463): the key record
 * at <selector>._domainkey.<domain>, directly or through the platform's CNAME; its tags,
 * key type and size; revocation and testing flags; and the "DNS host appended the domain
 * twice" mistake (<selector>._domainkey.example.com.example.com), asked at the same time.
 */
import type { DnsResolver } from '../dns/resolver';
import { isResolverFault } from '../dns/resolver';
import { recordLookups } from '../dns/run-memo';
import { findHiddenCharacters, visibleText } from '../../src-preload/contract/visible-text';
import { analyzeKey, parseTagList } from './dkim-record';
import { buildItem, finding } from './item';
import { fixRecord } from './records';
import { refs } from './references';
import type { CheckItem, Finding, FixRecord } from '../../src-preload/contract/checks-schemas';

export interface DkimPreset {
  readonly type: 'CNAME' | 'TXT';
  /** `token-cname` (SES: never verifies without the CNAME) or `cname` (Zendesk) or `txt`. */
  readonly mode: 'cname' | 'token-cname' | 'txt';
  readonly expectedTarget: string | null;
  readonly targetSuffix: string | null;
  /** TXT value the platform publishes for everyone (ClientTether `pic`). */
  readonly value: string | null;
}

export interface DkimCheckOptions {
  readonly domain: string;
  readonly selector: string;
  readonly resolver: DnsResolver;
  readonly signal?: AbortSignal | undefined;
  readonly preset?: DkimPreset | null;
  readonly platformName?: string;
  /** Where the selector came from, for the summary. */
  readonly source?: 'platform' | 'relay' | 'user' | 'message';
}

export const RSA_MINIMUM_BITS = 1024;
export const RSA_RECOMMENDED_BITS = 2048;

export async function checkDkim(options: DkimCheckOptions): Promise<CheckItem> {
  const startedAt = performance.now();
  const domain = options.domain.toLowerCase();
  const selector = options.selector.toLowerCase();
  const name = `${selector}._domainkey.${domain}`;
  const doubledName = `${name}.${domain}`;
  const { resolver, lookups } = recordLookups(options.resolver);
  const signal = options.signal ? { signal: options.signal } : {};
  const [main, doubled] = await Promise.all([resolver.lookup(name, 'TXT', signal), resolver.lookup(doubledName, 'TXT', signal)]);
  const preset = options.preset ?? null;
  const platform = options.platformName ?? 'the platform';
  const findings: Finding[] = [];
  const fixes: FixRecord[] = [];
  const steps: string[] = [];
  const cname = main.chain.map((c) => c.value);
  let tags: Record<string, string> = {};
  let keyType: 'rsa' | 'ed25519' | 'unknown' | null = null;
  let keyBits: number | null = null;
  let revoked = false;
  let testing = false;
  const published = main.records.map((r) => r.value);

  const presetRecord = (): FixRecord | null => {
    if (preset?.type === 'CNAME' && preset.expectedTarget) return fixRecord({ zone: domain, name, type: 'CNAME', value: preset.expectedTarget });
    if (preset?.type === 'TXT' && preset.value) return fixRecord({ zone: domain, name, type: 'TXT', value: preset.value });
    return null;
  };
  const doubledFound = doubled.outcome === 'answer' || (doubled.chain.length > 0 && !isResolverFault(doubled));

  if (isResolverFault(main)) {
    findings.push(finding('dkim-lookup-failed', 'error', `The DKIM key at ${name} could not be read: ${main.explanation}`));
  } else if (main.outcome === 'cname-loop') {
    findings.push(finding('dkim-cname-loop', 'fail', main.explanation, name));
  } else if (main.outcome !== 'answer') {
    if (doubledFound) {
      findings.push(
        finding(
          'dkim-doubled-domain',
          'fail',
          `The key is published at ${doubledName} instead of ${name}: your DNS host added ${domain} to a name that already ended in it. Enter only "${selector}._domainkey" as the host name.`,
          doubledName,
        ),
      );
      const asCname = doubled.chain[0];
      const moved = asCname
        ? fixRecord({ zone: domain, name, type: 'CNAME', value: asCname.value })
        : fixRecord({ zone: domain, name, type: 'TXT', value: doubled.records[0]?.value ?? '' });
      fixes.push(fixRecord({ zone: domain, name: doubledName, type: moved.type, value: moved.value, action: 'remove', replaces: moved.value }), moved);
      steps.push(`In your DNS host, delete the record named "${selector}._domainkey.${domain}" (it became ${doubledName}) and create it again with the name "${selector}._domainkey" only.`);
    } else if (main.chain.length > 0 && preset?.expectedTarget && main.chain[0]?.value !== preset.expectedTarget) {
      const first = main.chain[0]?.value ?? '';
      findings.push(finding('dkim-cname-target', 'fail', `${name} points to ${first}; ${platform} expects ${preset.expectedTarget}.`, first));
      const record = presetRecord();
      if (record) fixes.push({ ...record, action: 'replace', replaces: first });
    } else if (main.chain.length > 0) {
      const target = main.chain.at(-1)?.value ?? '';
      findings.push(
        finding(
          'dkim-cname-dangling',
          'fail',
          `${name} is a CNAME to ${target}, which has no key (${main.outcome === 'nxdomain' ? 'NXDOMAIN' : 'no TXT record'}). Check the target against what ${platform} shows; if it is right, ${platform} has not published the key yet.`,
          target,
        ),
      );
    } else {
      findings.push(
        finding('dkim-missing', 'fail', `No DKIM key at ${name} (${main.outcome === 'nxdomain' ? 'the name does not exist' : 'no TXT record'}): mail signed with selector "${selector}" fails DKIM.`, name),
      );
      const record = presetRecord();
      if (record) fixes.push(record);
      else if (preset?.type === 'CNAME') steps.push(`Create the CNAME "${selector}._domainkey" exactly as ${platform} shows it (the target ends in .${preset.targetSuffix ?? ''}).`);
      else steps.push(`Publish the public key your mail server signs with as a TXT record named "${selector}._domainkey" (v=DKIM1; k=rsa; p=...).`);
    }
  } else {
    // The platform wants a CNAME so it can rotate keys; check we went through one, to the right place.
    if (preset?.type === 'CNAME') {
      const first = main.chain[0];
      if (first === undefined) {
        findings.push(
          finding(
            'dkim-not-cname',
            preset.mode === 'token-cname' ? 'fail' : 'warn',
            preset.mode === 'token-cname'
              ? `${name} is a TXT record, but ${platform} verifies the domain by looking for a CNAME there; it will stay Pending. Replace it with the CNAME.`
              : `${name} is a TXT record copied from ${platform} instead of the CNAME: signing works until ${platform} rotates the key, then DKIM fails. Replace it with the CNAME.`,
            name,
          ),
        );
        const record = presetRecord();
        if (record) fixes.push({ ...record, action: 'replace', replaces: published[0] ?? null });
        else steps.push(`Replace the TXT record at ${name} with the CNAME ${platform} shows.`);
      } else if (preset.expectedTarget !== null && first.value !== preset.expectedTarget) {
        findings.push(finding('dkim-cname-target', 'fail', `${name} points to ${first.value}; ${platform} expects ${preset.expectedTarget}.`, first.value));
        const record = presetRecord();
        if (record) fixes.push({ ...record, action: 'replace', replaces: first.value });
      } else if (preset.targetSuffix !== null && !(first.value === preset.targetSuffix || first.value.endsWith(`.${preset.targetSuffix}`))) {
        findings.push(finding('dkim-cname-target', 'fail', `${name} points to ${first.value}, which is not a ${platform} name (expected …${preset.targetSuffix}).`, first.value));
      }
    }
    if (main.records.length > 1) {
      findings.push(finding('dkim-multiple-records', 'fail', `${name} has ${main.records.length} TXT records; verifiers cannot tell which key is meant (RFC 6376 §3.6.2.2), so results vary. Keep one.`, name));
    }
    const text = published[0] ?? '';
    const hidden = findHiddenCharacters(text);
    if (hidden.length > 0) {
      findings.push(finding('dkim-hidden-characters', 'fail', `The key record contains invisible characters (${hidden.map((h) => `${h.label} at position ${h.index + 1}`).join(', ')}); re-paste it as plain text.`, visibleText(text)));
    }
    const parsed = parseTagList(text);
    tags = Object.fromEntries(parsed.tags);
    for (const error of parsed.errors) findings.push(finding('dkim-tag-syntax', 'fail', `${error.message} (RFC 6376 §3.2).`, error.tag));
    const v = parsed.tags.get('v');
    if (v !== undefined && (v !== 'DKIM1' || parsed.order[0] !== 'v')) findings.push(finding('dkim-bad-version', 'fail', `v=${v} must be exactly "v=DKIM1" and come first, or be left out (RFC 6376 §3.6.1).`, `v=${v}`));
    const k = (parsed.tags.get('k') ?? 'rsa').toLowerCase();
    const h = parsed.tags.get('h');
    if (h !== undefined && !h.toLowerCase().split(':').map((x) => x.trim()).includes('sha256')) {
      findings.push(finding('dkim-sha1-only', 'fail', `h=${h} allows only SHA-1, which RFC 8301 §3.1 forbids; remove h= (or use h=sha256).`, `h=${h}`));
    }
    const s = parsed.tags.get('s');
    if (s !== undefined && !s.split(':').map((x) => x.trim()).some((x) => x === '*' || x.toLowerCase() === 'email')) {
      findings.push(finding('dkim-service-type', 'fail', `s=${s} excludes email, so verifiers ignore the key; remove s= or use s=email.`, `s=${s}`));
    }
    const flags = (parsed.tags.get('t') ?? '').split(':').map((x) => x.trim().toLowerCase());
    testing = flags.includes('y');
    const p = parsed.tags.get('p');
    if (k !== 'rsa' && k !== 'ed25519') {
      keyType = 'unknown';
      findings.push(finding('dkim-unknown-key-type', 'fail', `k=${k} is not a key type verifiers know (rsa, ed25519), so they ignore the key.`, `k=${k}`));
    } else if (p === undefined) {
      findings.push(finding('dkim-no-key', 'fail', `The record has no p= tag, so it holds no key (RFC 6376 §3.6.1). ${text === '' ? '' : `It reads: "${visibleText(text.slice(0, 80))}"`}`.trim(), name));
    } else {
      const key = analyzeKey(k, p);
      keyType = k;
      if (key.kind === 'revoked') {
        revoked = true;
        findings.push(finding('dkim-revoked', 'fail', `The key for selector "${selector}" is revoked (empty p=): every signature with this selector fails (RFC 6376 §3.6.1).`, 'p='));
      } else if (key.kind === 'malformed') {
        findings.push(finding('dkim-malformed-key', 'fail', `The key is malformed: ${key.reason}. Verifiers fail every signature with it; copy the key again from the source.`, 'p='));
      } else {
        keyBits = key.bits;
        if (key.keyType === 'ed25519') {
          findings.push(finding('dkim-key-ok', 'pass', `An ed25519 key (RFC 8463).`));
          findings.push(finding('dkim-ed25519-support', 'info', 'Some receivers do not verify ed25519 yet: sign with an RSA key as well.'));
        } else if (key.bits < RSA_MINIMUM_BITS) {
          findings.push(finding('dkim-weak-key', 'fail', `The RSA key has ${key.bits} bits; RFC 8301 §3.2 forbids verifiers to accept keys under ${RSA_MINIMUM_BITS} bits, so DKIM fails. Publish a ${RSA_RECOMMENDED_BITS}-bit key.`, 'p='));
        } else if (key.bits < RSA_RECOMMENDED_BITS) {
          findings.push(finding('dkim-short-key', 'warn', `The RSA key has ${key.bits} bits: still accepted, but RFC 8301 §3.2 asks for ${RSA_RECOMMENDED_BITS}. Rotate to a ${RSA_RECOMMENDED_BITS}-bit key.`, 'p='));
        } else {
          findings.push(finding('dkim-key-ok', 'pass', `A ${key.bits}-bit RSA key.`));
        }
        if (key.encoding === 'pkcs1') findings.push(finding('dkim-pkcs1-key', 'warn', 'p= holds a bare RSAPublicKey (PKCS#1); most verifiers expect SubjectPublicKeyInfo and some reject this one.', 'p='));
      }
      if (preset?.type === 'TXT' && preset.value) {
        const expected = parseTagList(preset.value).tags.get('p')?.replace(/\s+/gu, '');
        if (expected !== undefined && p.replace(/\s+/gu, '') !== expected) {
          findings.push(finding('dkim-key-mismatch', 'fail', `The key differs from the one ${platform} publishes for "${selector}", so ${platform}'s signatures fail. Publish ${platform}'s key exactly.`, 'p='));
          const record = presetRecord();
          if (record) fixes.push({ ...record, action: 'replace', replaces: text });
        }
      }
    }
    if (testing) findings.push(finding('dkim-testing', 'warn', 't=y: the domain says it is testing DKIM, so receivers may treat failures as if the mail were unsigned. Remove t=y once signing works.', 't=y'));
    if (findings.some((f) => f.code === 'dkim-weak-key' || f.code === 'dkim-short-key' || f.code === 'dkim-malformed-key' || f.code === 'dkim-revoked')) {
      steps.push(
        `Generate a new ${RSA_RECOMMENDED_BITS}-bit key in your mail server (or let ${platform} rotate it), publish it under a new selector, switch signing to that selector, then empty p= on "${selector}".`,
      );
    }
    if (doubledFound) {
      findings.push(finding('dkim-doubled-stray', 'warn', `A stray copy also exists at ${doubledName} (the DNS host appended ${domain} a second time). Delete it.`, doubledName));
      fixes.push(fixRecord({ zone: domain, name: doubledName, type: doubled.chain[0] ? 'CNAME' : 'TXT', value: doubled.chain[0]?.value ?? doubled.records[0]?.value ?? '', action: 'remove' }));
    }
  }

  const source = options.source === 'message' ? ' (from a received message)' : options.source === 'platform' ? ` (${platform})` : options.source === 'relay' ? ' (your mail server)' : '';
  const clean = keyBits !== null && !findings.some((f) => f.severity === 'fail' || f.severity === 'warn' || f.severity === 'error');
  const keyText = keyType === 'ed25519' ? 'an ed25519 key' : `a ${keyBits ?? 0}-bit RSA key`;
  const summary = clean ? `Selector "${selector}"${source}: ${keyText}${cname.length > 0 ? ` via CNAME ${cname.join(' → ')}` : ''}.` : undefined;

  return buildItem(
    {
      id: `dkim:${selector}`,
      kind: 'dkim',
      title: `DKIM key "${selector}"`,
      importance: 'required',
      findings,
      ...(summary === undefined ? {} : { summary }),
      details: { kind: 'dkim', selector, name, cname, expectedTarget: preset?.expectedTarget ?? null, tags, keyType, keyBits, revoked, testing, doubledName: doubledFound ? doubledName : null },
      queries: lookups,
      records: published,
      ttl: main.ttl,
      fix: { steps, records: fixes },
      references: [refs.dkimKeyRecord, refs.dkimCrypto, ...(keyType === 'ed25519' ? [refs.dkimEd25519] : []), refs.dkimTxtJoin],
    },
    { resolver: options.resolver.description, startedAt },
  );
}

/** The checklist item when no selector is known yet. */
export function pendingDkim(options: { readonly domain: string; readonly resolver: DnsResolver; readonly hint: string }): CheckItem {
  return buildItem(
    {
      id: 'dkim:*',
      kind: 'dkim',
      title: 'DKIM keys',
      importance: 'required',
      status: 'needs-input',
      needsInput: { field: 'relaySelectors', label: 'DKIM selector your mail server signs with' },
      findings: [finding('dkim-no-selector', 'info', options.hint)],
      details: { kind: 'dkim', selector: '*', name: `*._domainkey.${options.domain}`, cname: [], expectedTarget: null, tags: {}, keyType: null, keyBits: null, revoked: false, testing: false, doubledName: null },
      queries: [],
      references: [refs.dkimKeyRecord],
    },
    { resolver: options.resolver.description, startedAt: performance.now() },
  );
}

/**
 * Proof from a received message (`relayproof message verify`, step 3 of the verification
 * loop): mailauth's `authenticate` with Relayproof's resolver injected — SPF for the IP
 * that delivered it (from the Received chain), every DKIM signature (selector actually
 * used, `d=` aligned with the address's domain or not), DMARC and ARC — plus the sending
 * server, the delivery delay, whether each header the platform relies on survived
 * unchanged, and whether the relay broke a signature made before it.
 *
 * Malformed input is refused with a reason (`message-shape.ts`); nothing here throws
 * for anything a message or DNS contains.
 */
// mailauth (about half a second to load) is imported when a message is proven, not with the services.
import type { authenticate as Authenticate, DKIMResult } from 'mailauth';
import { fail, ok, type Result } from '../../src-preload/contract';
import { finding } from '../checks/item';
import type { Finding } from '../../src-preload/contract/checks-schemas';
import type { MailauthResolver } from '../dns/mailauth-resolver';
import { TOKEN_HEADER } from '../smtp/test-message';
import { DEFAULT_MESSAGE_LIMITS, headerValues, inspectMessage, type HeaderField, type MessageLimits } from './message-shape';
import { deliveryDelayMs, parseReceived, senderHop } from './received-chain';
import type { AuthResultName, DkimProof, HeaderProof, MessageProof } from '../../src-preload/contract/verification-schemas';

export interface ExpectedHeader {
  readonly name: string;
  /** null = the value varies per message: only presence is checked. */
  readonly value: string | null;
}

export interface VerifyMessageOptions {
  /** mailauth-shaped resolver (`toMailauthResolver(resolver)`): the configured servers, with evidence. */
  readonly resolver: MailauthResolver;
  /** The token Relayproof put in the Subject and X-Relayproof-Token. */
  readonly expectedToken?: string;
  /** `Name: value` or `Name` (as in resources/platforms `headersToPersist`), or parsed. */
  readonly expectedHeaders?: readonly (string | ExpectedHeader)[];
  /** The address's domain; DKIM `d=` must align with it. Default: the From domain. */
  readonly domain?: string;
  /** Override what the Received chain says (when the admin knows the relay's IP). */
  readonly ip?: string;
  readonly helo?: string;
  /** Envelope sender (MAIL FROM); default Return-Path. */
  readonly sender?: string;
  readonly limits?: Partial<MessageLimits>;
}

/** `Auto-Submitted: auto-generated` → name and value; `X-Zendesk-Email-Id` → name only. */
export function parseExpectedHeader(spec: string | ExpectedHeader): ExpectedHeader {
  if (typeof spec !== 'string') return spec;
  const colon = spec.indexOf(':');
  if (colon === -1) return { name: spec.trim(), value: null };
  const value = spec.slice(colon + 1).trim();
  return { name: spec.slice(0, colon).trim(), value: value === '' ? null : value };
}

/** The extra fields mailauth's DKIM results carry beyond its declared type. */
interface DkimRow extends DKIMResult {
  readonly algo?: string;
  readonly bodyHash?: string;
  readonly bodyHashExpecting?: string;
  readonly signingHeaders?: { readonly keys?: string };
  readonly modulusLength?: number;
}

const RESULTS: readonly AuthResultName[] = ['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy', 'skipped'];
function resultName(value: string | undefined): AuthResultName {
  if (value === 'temperr') return 'temperror';
  return RESULTS.find((r) => r === value) ?? 'neutral';
}

function domainOf(address: string | null): string | null {
  if (address === null) return null;
  const at = address.lastIndexOf('@');
  return at === -1 ? null : address.slice(at + 1).replace(/>.*$/u, '').trim().toLowerCase() || null;
}

/** The first address in a From / Return-Path value. */
function firstAddress(value: string | null): string | null {
  if (value === null) return null;
  const angle = /<([^<>]*)>/u.exec(value);
  if (angle !== null) return angle[1]?.trim() || null;
  const bare = /[^\s<>()"',;:]+@[^\s<>()"',;:]+/u.exec(value);
  return bare?.[0] ?? null;
}

/**
 * Relaxed alignment (RFC 7489 §3.1.1) without a public-suffix list: same domain, or one
 * is a subdomain of the other. mailauth's own flag (against the From domain, with the
 * list) is used when the From domain is the address's domain.
 */
function relaxedAligned(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}

function quote(text: string, max = 200): string {
  return `"${text.length > max ? `${text.slice(0, max - 3)}...` : text}"`;
}

const first = (headers: readonly HeaderField[], name: string) => headerValues(headers, name)[0] ?? null;

export async function verifyMessage(raw: Buffer, options: VerifyMessageOptions): Promise<Result<MessageProof>> {
  const limits = { ...DEFAULT_MESSAGE_LIMITS, ...options.limits };
  const shape = inspectMessage(raw, limits);
  if (!shape.ok) return fail('invalid-input', shape.message, { hint: shape.hint, details: { reason: shape.reason } });
  const { headers, message } = shape;
  const findings: Finding[] = [...shape.notes];

  const received = headerValues(headers, 'Received').map(parseReceived);
  const hop = senderHop(received);
  const ip = options.ip ?? hop?.ip ?? null;
  const helo = options.helo ?? (options.ip === undefined ? (hop?.helo ?? null) : null);
  const returnPath = firstAddress(first(headers, 'Return-Path'));
  const from = firstAddress(first(headers, 'From'));
  const fromDomain = domainOf(from);
  const envelopeFrom = options.sender ?? (returnPath === '' ? null : returnPath);
  const domain = (options.domain ?? fromDomain ?? '').toLowerCase();

  const { authenticate } = await import('mailauth');
  let auth: Awaited<ReturnType<typeof Authenticate>>;
  try {
    auth = await authenticate(message, {
      resolver: options.resolver,
      ...(ip !== null ? { ip } : {}),
      ...(helo !== null ? { helo } : {}),
      ...(envelopeFrom !== null ? { sender: envelopeFrom } : {}),
      mta: 'relayproof.invalid',
      disableBimi: true,
      minBitLength: 1024,
    });
  } catch (error) {
    return fail('invalid-input', `The message could not be parsed: ${error instanceof Error ? error.message : String(error)}`, {
      hint: 'Export the message again as .eml (its complete source).',
      details: { reason: 'unreadable' },
    });
  }

  // ---- SPF
  const spfRaw = ip === null ? null : auth.spf === false ? null : auth.spf;
  const spfResult = spfRaw === null ? 'none' : resultName(spfRaw.status.result);
  const spfDomain = spfRaw?.domain ?? domainOf(envelopeFrom);
  const spfRecord = spfRaw?.rr ?? null;
  const spf = {
    result: spfResult,
    domain: spfDomain,
    ip,
    record: spfRecord,
    explanation: explainSpf(spfResult, ip, spfDomain, spfRecord, spfRaw?.status.comment ?? null),
  };
  if (ip === null) findings.push(finding('no-sender-ip', 'warn', spf.explanation));

  // ---- DKIM
  const rows = (auth.dkim.results as DkimRow[]).filter((r) => r.signingDomain !== undefined && r.signingDomain !== '');
  const fromIsAddressDomain = fromDomain !== null && fromDomain === domain;
  const dkim: DkimProof[] = rows.map((row) => {
    const d = row.signingDomain.toLowerCase();
    const result = resultName(row.status.result);
    const mailauthAligned = typeof row.status.aligned === 'string' && row.status.aligned !== '';
    const aligned = domain !== '' && (fromIsAddressDomain ? mailauthAligned || relaxedAligned(d, domain) : relaxedAligned(d, domain));
    const bodyHashMatches = row.bodyHash !== undefined && row.bodyHashExpecting !== undefined ? row.bodyHash === row.bodyHashExpecting : null;
    const signedHeaders = (row.signingHeaders?.keys ?? '').split(/:\s*/u).filter((h) => h !== '');
    const comment = row.status.comment ?? null;
    return {
      domain: d,
      selector: row.selector ?? null,
      result,
      aligned,
      algorithm: row.algo ?? null,
      signedHeaders,
      bodyHashMatches,
      keyBits: typeof row.modulusLength === 'number' ? row.modulusLength : null,
      comment,
      explanation: explainDkim({ d, selector: row.selector ?? '?', result, aligned, domain, bodyHashMatches, comment, signedHeaders, policy: row.status.policy?.['dkim-rules'] ?? null }),
    };
  });
  if (dkim.length === 0) findings.push(finding('dkim-unsigned', 'fail', 'The message carries no DKIM signature: the relay (or the platform) must sign it with d=' + (domain || 'your domain') + '.'));
  const broke = (p: DkimProof) => p.bodyHashMatches === false || p.comment === 'bad signature';
  const brokenSignatures = dkim.filter(broke).map((p) => ({ domain: p.domain, selector: p.selector, reason: p.bodyHashMatches === false ? 'body changed after signing' : 'a signed header changed after signing' }));
  const resigned = dkim.filter((p) => p.result === 'pass');
  for (const broken of brokenSignatures) {
    const by = resigned.map((p) => `${p.domain ?? '?'} (s=${p.selector ?? '?'})`).join(', ');
    findings.push(
      finding(
        'dkim-broken-by-relay',
        resigned.some((p) => p.aligned) ? 'warn' : 'fail',
        resigned.length > 0
          ? `The signature by ${broken.domain ?? '?'} (s=${broken.selector ?? '?'}) no longer verifies (${broken.reason}); the message was signed again by ${by}. Re-signing is allowed, but the relay changed the message after it was signed.`
          : `The signature by ${broken.domain ?? '?'} (s=${broken.selector ?? '?'}) no longer verifies (${broken.reason}), and no other signature passes: a server on the way changed the message after it was signed.`,
        `${broken.domain ?? '?'}/${broken.selector ?? '?'}`,
      ),
    );
  }

  // ---- DMARC
  const dmarcRaw = auth.dmarc === false ? null : auth.dmarc;
  const dmarcResult = dmarcRaw === null ? 'none' : resultName(dmarcRaw.status.result);
  const spfAligned = typeof dmarcRaw?.alignment?.spf.result === 'string' ? dmarcRaw.alignment.spf.result : null;
  const dkimAlignedDomain = typeof dmarcRaw?.alignment?.dkim.result === 'string' ? dmarcRaw.alignment.dkim.result : null;
  const policy = dmarcRaw?.policy ?? dmarcRaw?.p ?? null;
  const dmarc = {
    result: dmarcResult,
    domain: fromDomain,
    policy: policy === '' ? null : policy,
    record: dmarcRaw?.rr ?? null,
    spfAligned,
    dkimAligned: dkimAlignedDomain,
    explanation: explainDmarc({ result: dmarcResult, fromDomain, policy, spfAligned, dkimAligned: dkimAlignedDomain, spf, dkim, error: dmarcRaw?.error ?? null }),
  };
  if (fromDomain !== null && options.domain !== undefined && !relaxedAligned(fromDomain, options.domain)) {
    findings.push(finding('from-domain-mismatch', 'warn', `The From domain ${fromDomain} is not the address's domain ${options.domain}: the relay or platform rewrote From, or this is another message.`, fromDomain));
  }

  // ---- ARC
  const arcRaw = auth.arc === false ? null : auth.arc;
  const arcResult = arcRaw === null ? 'none' : resultName(arcRaw.status.result);
  const arc = {
    result: arcResult,
    instance: typeof arcRaw?.i === 'number' && arcRaw.i > 0 ? arcRaw.i : null,
    explanation:
      arcResult === 'none'
        ? 'No ARC seal: no intermediary (mailing list, forwarder) sealed the authentication results on the way.'
        : arcResult === 'pass'
          ? `The ARC chain of ${arcRaw?.i ?? '?'} seal(s) validates: forwarders on the way recorded the results they saw.`
          : `The ARC chain does not validate (${arcRaw?.status.comment ?? arcResult}): a forwarder's seal is broken or its key is missing.`,
  };

  // ---- Headers that must survive
  const expected = [...(options.expectedHeaders ?? []).map(parseExpectedHeader)];
  if (options.expectedToken !== undefined && !expected.some((e) => e.name.toLowerCase() === TOKEN_HEADER.toLowerCase())) {
    expected.push({ name: TOKEN_HEADER, value: options.expectedToken });
  }
  const headerProofs: Record<string, HeaderProof> = {};
  for (const want of expected) {
    const values = headerValues(headers, want.name);
    const value = values[0] ?? null;
    const present = value !== null;
    const unchanged = !present || want.value === null ? null : value === want.value;
    headerProofs[want.name] = { present, value, expected: want.value, unchanged };
    if (!present) {
      findings.push(finding('header-missing', 'fail', `${want.name} did not survive the relay: it is missing from the received message. The platform relies on it (auto-reply suppression, loop prevention); remove the relay rule that strips it.`, want.name));
    } else if (unchanged === false) {
      findings.push(finding('header-changed', 'fail', `${want.name} changed on the way: sent ${quote(want.value ?? '')}, received ${quote(value)}.`, want.name));
    } else if (values.length > 1 && new Set(values).size > 1) {
      findings.push(finding('header-duplicated', 'warn', `${want.name} appears ${values.length} times with different values; receivers read the first.`, want.name));
    }
  }

  // ---- Token
  const subject = first(headers, 'Subject');
  const tokenFound = first(headers, TOKEN_HEADER) ?? /Relayproof test (\S+)/u.exec(subject ?? '')?.[1] ?? null;
  const token = {
    expected: options.expectedToken ?? null,
    found: tokenFound,
    matches: options.expectedToken === undefined ? null : tokenFound === options.expectedToken,
  };
  if (token.matches === false) {
    findings.push(finding('token-mismatch', 'fail', `This is not the verification email Relayproof sent: expected token ${options.expectedToken ?? ''}, found ${tokenFound ?? 'none'}.`));
  }

  // ---- Sender and delay
  const delayMs = deliveryDelayMs(first(headers, 'Date'), received);
  if (delayMs !== null && delayMs < -60_000) {
    findings.push(finding('clock-skew', 'warn', `The Date header is ${Math.round(-delayMs / 1000)} s after the final Received time: a clock on the way is wrong.`));
  } else if (delayMs !== null && delayMs > 15 * 60_000) {
    findings.push(finding('slow-delivery', 'warn', `Delivery took ${Math.round(delayMs / 60_000)} minutes: graylisting or a queue delayed it; platforms waiting "a few minutes" for a verification email may give up.`));
  }

  const dkimPass = dkim.some((p) => p.result === 'pass' && p.aligned);
  const proof: MessageProof = {
    spf,
    dkim,
    dmarc,
    arc,
    headers: headerProofs,
    sender: { ip, helo, hop: options.ip === undefined ? (hop?.index ?? null) : null },
    delayMs,
    from,
    envelopeFrom,
    messageId: first(headers, 'Message-ID'),
    token,
    received,
    brokenSignatures,
    findings,
    pass: spf.result === 'pass' && dkimPass && dmarc.result === 'pass',
    sizeBytes: raw.length,
  };
  return ok(proof);
}

function explainSpf(result: AuthResultName, ip: string | null, domain: string | null, record: string | null, comment: string | null): string {
  const d = domain ?? 'the envelope domain';
  const rec = record === null ? '' : ` (record: ${quote(record)})`;
  if (ip === null) {
    return 'No Received header names the IP that delivered this message, so SPF could not be evaluated: verify the message as it arrived in the recipient mailbox ("Show original"), not a copy of the sent message.';
  }
  switch (result) {
    case 'pass':
      return `SPF pass: ${ip} is allowed to send for ${d}${rec}.`;
    case 'fail':
      return `SPF fail: ${ip} is not allowed to send for ${d}${rec}. Add the relay's outbound IP range or its provider's include to the SPF record of ${d}.`;
    case 'softfail':
      return `SPF softfail: ${ip} is not listed for ${d}${rec}, and ~all tells receivers to treat it as suspicious. Add the relay's outbound IP range or include.`;
    case 'neutral':
      return `SPF neutral: the record of ${d} says nothing about ${ip}${rec} (?all); receivers gain no trust from it.`;
    case 'none':
      return `SPF none: ${d} publishes no SPF record; receivers cannot tell whether ${ip} may send for it.`;
    case 'permerror':
      return `SPF permerror for ${d}${rec}: ${comment ?? 'the record is invalid'} (too many lookups, two records, or a syntax error: see the DNS checklist).`;
    case 'temperror':
      return `SPF temperror for ${d}: DNS did not answer (${comment ?? 'timeout'}); run the check again.`;
    case 'policy':
    case 'skipped':
      return `SPF ${result} for ${d}.`;
  }
}

interface DkimExplainInput {
  readonly d: string;
  readonly selector: string;
  readonly result: AuthResultName;
  readonly aligned: boolean;
  readonly domain: string;
  readonly bodyHashMatches: boolean | null;
  readonly comment: string | null;
  readonly signedHeaders: readonly string[];
  readonly policy: string | null;
}

function explainDkim(x: DkimExplainInput): string {
  const key = `${x.selector}._domainkey.${x.d}`;
  if (x.result === 'pass') {
    return x.aligned
      ? `DKIM pass: signed by ${x.d} with selector ${x.selector}, aligned with ${x.domain}.`
      : `DKIM pass for ${x.d} (selector ${x.selector}), but ${x.d} is not aligned with ${x.domain || 'the From domain'}: DMARC cannot use this signature. Sign with d=${x.domain || 'your domain'} (publish the platform's DKIM records and turn signing on).`;
  }
  if (x.bodyHashMatches === false) {
    return `DKIM ${x.result} (body hash did not verify): the body changed after ${x.d} signed it — a server on the way added a footer or disclaimer, rewrote links or re-encoded the body, or the file is truncated.`;
  }
  if (x.comment === 'bad signature') {
    return `DKIM fail (signature did not verify): a signed header changed after ${x.d} signed it (signed: ${x.signedHeaders.join(', ')}). Typical: a relay that tags the Subject, rewrites From or re-folds a header after signing. Signing must be the last change; re-signing at the relay is allowed.`;
  }
  if (x.comment === 'no key') return `DKIM ${x.result}: no key published at ${key}. Publish the selector's record (or the platform's CNAME) and wait for it to propagate.`;
  if (x.policy === 'weak-key') return `DKIM policy: the key at ${key} is shorter than 1024 bits, so receivers ignore it (RFC 8301 §3.2). Publish a 2048-bit key.`;
  if (x.result === 'temperror') return `DKIM temperror: DNS failed reading ${key} (${x.comment ?? 'no answer'}); run the check again.`;
  return `DKIM ${x.result} for ${x.d} (selector ${x.selector})${x.comment === null ? '' : `: ${x.comment}`}.`;
}

interface DmarcExplainInput {
  readonly result: AuthResultName;
  readonly fromDomain: string | null;
  readonly policy: string | null;
  readonly spfAligned: string | null;
  readonly dkimAligned: string | null;
  readonly spf: { readonly result: AuthResultName; readonly domain: string | null };
  readonly dkim: readonly DkimProof[];
  readonly error: string | null;
}

function explainDmarc(x: DmarcExplainInput): string {
  const from = x.fromDomain ?? 'the From domain';
  const p = x.policy ?? 'none';
  switch (x.result) {
    case 'pass': {
      const via = [x.spfAligned !== null ? `SPF (${x.spfAligned})` : null, x.dkimAligned !== null ? `DKIM (${x.dkimAligned})` : null].filter((v) => v !== null).join(' and ');
      return `DMARC pass for ${from} via aligned ${via} (policy p=${p}).`;
    }
    case 'fail': {
      const spfPart = `SPF ${x.spf.result}${x.spf.domain === null ? '' : ` for ${x.spf.domain}`}`;
      const dkimPart = x.dkim.length === 0 ? 'no DKIM signature' : x.dkim.map((d) => `DKIM ${d.result} for ${d.domain ?? '?'}`).join(', ');
      const effect = p === 'reject' ? 'receivers reject this mail' : p === 'quarantine' ? 'receivers send this mail to spam' : 'receivers deliver it but report the failure';
      return `DMARC fail for ${from}: neither SPF nor DKIM passed with a domain aligned to ${from} (${spfPart}; ${dkimPart}). With p=${p}, ${effect}. Sign with d=${from} or send with an envelope sender in ${from} from an IP its SPF lists.`;
    }
    case 'none':
      return `DMARC none: ${from} publishes no DMARC record at _dmarc.${from}. Publish one (start with v=DMARC1; p=none; rua=mailto:...).`;
    case 'temperror':
      return `DMARC temperror for ${from}: DNS did not answer (${x.error ?? 'timeout'}); run the check again.`;
    default:
      return `DMARC ${x.result} for ${from}${x.error === null ? '' : `: ${x.error}`}.`;
  }
}

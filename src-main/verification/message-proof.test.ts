import { describe, expect, it } from 'vitest';
import { toMailauthResolver } from '../dns/mailauth-resolver';
import { useTestDns } from '../testing/dns-fixture';
import { crlf, receivedField, setHeaderField, signMessage, stripHeaderFields } from '../testing/relay-mutations';
import { ACME, createDkimKey, createVerificationKeys, RELAY_IP, RELAY_PROVIDER, ROGUE_IP, verificationZones } from '../testing/verification-zone';
import { inspectMessage } from './message-shape';
import { verifyMessage, type VerifyMessageOptions } from './message-proof';
import { deliveryDelayMs, parseReceived, senderHop } from './received-chain';
import { messageProofSchema, type MessageProof } from '../../src-preload/contract/verification-schemas';

const keys = createVerificationKeys();
const dns = useTestDns(verificationZones(keys));

const SENT = 'Mon, 23 Nov 2026 10:00:00 +0000';
const ZENDESK_HEADERS = ['Auto-Submitted: auto-generated', 'X-Auto-Response-Suppress: All', 'X-Mailer: Zendesk Mailer', 'X-Zendesk-From-Account-Id', 'X-Zendesk-Email-Id'];

/** A message as the platform hands it to the relay. */
function platformMessage(extra: Record<string, string> = {}): string {
  const headers: Record<string, string> = {
    From: `Acme Support <support@${ACME}>`,
    To: 'customer@example.org',
    Subject: 'Relayproof test T0K3N',
    Date: SENT,
    'Message-ID': `<relayproof-T0K3N@${ACME}>`,
    'X-Relayproof-Token': 'T0K3N',
    'Auto-Submitted': 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
    'X-Mailer': 'Zendesk Mailer',
    'X-Zendesk-From-Account-Id': '8f1c2a',
    'X-Zendesk-Email-Id': '01JQ7Z9K',
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=utf-8',
    ...extra,
  };
  return crlf(`${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\nHello from the connector.\nToken: T0K3N\n`);
}

/** What the receiving MX prepends: Return-Path and its Received field naming the connecting IP. */
function arrived(message: string, o: { ip?: string; helo?: string; envelopeFrom?: string; at?: string } = {}): Buffer {
  const received = receivedField({ helo: o.helo ?? `relay.${ACME}`, ip: o.ip ?? RELAY_IP, by: 'mx.example.org', protocol: 'ESMTPS', id: 'MX1', at: new Date(o.at ?? '2026-11-23T10:00:07Z') });
  return Buffer.from(`Return-Path: <${o.envelopeFrom ?? `support@${ACME}`}>\r\n${received}${message}`);
}

/** The relay's own Received field (authenticated submission from the platform). */
function viaRelay(message: string): string {
  return receivedField({ helo: 'zendesk-out.example.net', ip: '203.0.113.9', by: `relay.${ACME}`, protocol: 'ESMTPSA', id: 'R1', at: new Date('2026-11-23T10:00:03Z') }) + message;
}

async function verify(raw: Buffer, extra: Partial<VerifyMessageOptions> = {}): Promise<MessageProof> {
  const result = await verifyMessage(raw, { resolver: toMailauthResolver(dns.resolver({ timeoutMs: 3_000, retries: 1 })), domain: ACME, expectedToken: 'T0K3N', expectedHeaders: ZENDESK_HEADERS, ...extra });
  if (!result.ok) throw new Error(`refused: ${result.error.message}`);
  expect(messageProofSchema.parse(result.value)).toEqual(result.value);
  return result.value;
}

describe('a message that passes', () => {
  it('proves SPF for the delivering IP, the aligned DKIM selector actually used, DMARC, sender, delay and headers', async () => {
    const proof = await verify(arrived(await signMessage(viaRelay(platformMessage()), [keys.acmeRelay])));
    expect(proof.pass).toBe(true);
    expect(proof.spf).toMatchObject({ result: 'pass', ip: RELAY_IP, domain: ACME, record: `v=spf1 ip4:${RELAY_IP} -all` });
    expect(proof.dkim).toEqual([expect.objectContaining({ domain: ACME, selector: 'relay1', result: 'pass', aligned: true, bodyHashMatches: true, keyBits: 2048 })]);
    expect(proof.dkim[0]?.signedHeaders).toEqual(expect.arrayContaining(['From', 'Subject', 'Date']));
    expect(proof.dmarc).toMatchObject({ result: 'pass', domain: ACME, policy: 'reject', spfAligned: ACME, dkimAligned: ACME });
    expect(proof.arc).toEqual({ result: 'none', instance: null, explanation: expect.stringContaining('No ARC seal') });
    // The relay's own hop is an authenticated submission (ESMTPSA): SPF judges the hop after it.
    expect(proof.sender).toEqual({ ip: RELAY_IP, helo: `relay.${ACME}`, hop: 0 });
    expect(proof.delayMs).toBe(7_000);
    expect(proof.headers['X-Zendesk-Email-Id']).toEqual({ present: true, value: '01JQ7Z9K', expected: null, unchanged: null });
    expect(proof.headers['Auto-Submitted']).toEqual({ present: true, value: 'auto-generated', expected: 'auto-generated', unchanged: true });
    expect(proof.headers['X-Relayproof-Token']).toMatchObject({ present: true, unchanged: true });
    expect(proof.token).toEqual({ expected: 'T0K3N', found: 'T0K3N', matches: true });
    expect(proof.findings).toEqual([]);
    expect(proof.brokenSignatures).toEqual([]);
  });
});

describe('failures, explained', () => {
  it('a header changed after signing fails DKIM and says a signed header changed', async () => {
    const signed = await signMessage(viaRelay(platformMessage()), [keys.acmeRelay]);
    const tagged = signed.replace('Subject: Relayproof test', 'Subject: [EXTERNAL] Relayproof test');
    const proof = await verify(arrived(tagged));
    const sig = proof.dkim[0];
    expect(sig).toMatchObject({ result: 'fail', bodyHashMatches: true, comment: 'bad signature', aligned: true });
    expect(sig?.explanation).toMatch(/signed header changed after acme\.test signed it/u);
    expect(sig?.explanation).toContain('Subject');
    // SPF is still aligned, so DMARC passes on SPF alone; the proof as a whole does not.
    expect(proof.dmarc).toMatchObject({ result: 'pass', spfAligned: ACME, dkimAligned: null });
    expect(proof.pass).toBe(false);
    expect(proof.brokenSignatures).toEqual([{ domain: ACME, selector: 'relay1', reason: 'a signed header changed after signing' }]);
  });

  it('a body changed after signing (a footer) says the body hash did not verify', async () => {
    const signed = await signMessage(viaRelay(platformMessage()), [keys.acmeRelay]);
    const proof = await verify(arrived(`${signed}--\r\nThis email was scanned.\r\n`));
    expect(proof.dkim[0]).toMatchObject({ bodyHashMatches: false });
    expect(proof.dkim[0]?.explanation).toMatch(/body changed after acme\.test signed it/u);
  });

  it('a sending IP outside SPF fails SPF and names the IP and the record', async () => {
    const proof = await verify(arrived(await signMessage(viaRelay(platformMessage()), [keys.acmeRelay]), { ip: ROGUE_IP }));
    expect(proof.spf).toMatchObject({ result: 'fail', ip: ROGUE_IP, domain: ACME });
    expect(proof.spf.explanation).toBe(`SPF fail: ${ROGUE_IP} is not allowed to send for ${ACME} (record: "v=spf1 ip4:${RELAY_IP} -all"). Add the relay's outbound IP range or its provider's include to the SPF record of ${ACME}.`);
    expect(proof.dmarc).toMatchObject({ result: 'pass', spfAligned: null, dkimAligned: ACME });
    expect(proof.pass).toBe(false);
  });

  it('DKIM and SPF passing for the relay provider, not the company, fail DMARC as misaligned', async () => {
    const signed = await signMessage(viaRelay(platformMessage()), [keys.provider]);
    const proof = await verify(arrived(signed, { envelopeFrom: `bounces@${RELAY_PROVIDER}` }));
    expect(proof.spf).toMatchObject({ result: 'pass', domain: RELAY_PROVIDER });
    expect(proof.dkim).toEqual([expect.objectContaining({ domain: RELAY_PROVIDER, selector: 'rp2026', result: 'pass', aligned: false })]);
    expect(proof.dkim[0]?.explanation).toMatch(/not aligned with acme\.test: DMARC cannot use this signature/u);
    expect(proof.dmarc).toMatchObject({ result: 'fail', policy: 'reject', spfAligned: null, dkimAligned: null });
    expect(proof.dmarc.explanation).toMatch(/neither SPF nor DKIM passed with a domain aligned to acme\.test .*With p=reject, receivers reject this mail/u);
  });

  it('a required header stripped by the relay is reported missing', async () => {
    const relayed = stripHeaderFields(viaRelay(platformMessage()), ['X-Auto-Response-Suppress', 'X-Zendesk-Email-Id']);
    const proof = await verify(arrived(await signMessage(relayed, [keys.acmeRelay])));
    expect(proof.pass).toBe(true);
    expect(proof.headers['X-Auto-Response-Suppress']).toEqual({ present: false, value: null, expected: 'All', unchanged: null });
    expect(proof.headers['X-Zendesk-Email-Id']?.present).toBe(false);
    expect(proof.findings.filter((f) => f.code === 'header-missing').map((f) => f.subject)).toEqual(['X-Auto-Response-Suppress', 'X-Zendesk-Email-Id']);
  });

  it('a header value rewritten on the way is reported with both values', async () => {
    const relayed = setHeaderField(viaRelay(platformMessage()), 'X-Mailer', 'Exchange Relay');
    const proof = await verify(arrived(await signMessage(relayed, [keys.acmeRelay])));
    expect(proof.headers['X-Mailer']).toEqual({ present: true, value: 'Exchange Relay', expected: 'Zendesk Mailer', unchanged: false });
    expect(proof.findings.find((f) => f.code === 'header-changed')?.message).toBe('X-Mailer changed on the way: sent "Zendesk Mailer", received "Exchange Relay".');
  });

  it('the platform signature broken by the relay, then re-signed by the relay, is reported', async () => {
    const fromPlatform = await signMessage(platformMessage(), [keys.acmePlatform]);
    const relayed = await signMessage(viaRelay(fromPlatform.replace('Hello from the connector.', 'Hello from the connector.\r\n-- \r\nAcme disclaimer')), [keys.acmeRelay]);
    const proof = await verify(arrived(relayed));
    expect(proof.dkim.map((d) => [d.selector, d.result])).toEqual([
      ['relay1', 'pass'],
      ['zendesk1', 'neutral'],
    ]);
    expect(proof.brokenSignatures).toEqual([{ domain: ACME, selector: 'zendesk1', reason: 'body changed after signing' }]);
    const f = proof.findings.find((x) => x.code === 'dkim-broken-by-relay');
    expect(f).toMatchObject({ severity: 'warn', subject: `${ACME}/zendesk1` });
    expect(f?.message).toMatch(/no longer verifies \(body changed after signing\); the message was signed again by acme\.test \(s=relay1\)/u);
    expect(proof.pass).toBe(true);
  });

  it('a selector without a published key says where the key is missing', async () => {
    const proof = await verify(arrived(await signMessage(viaRelay(platformMessage()), [createDkimKey(ACME, 'unpublished', 1024)])));
    expect(proof.dkim[0]).toMatchObject({ selector: 'unpublished', result: 'neutral', comment: 'no key' });
    expect(proof.dkim[0]?.explanation).toContain('no key published at unpublished._domainkey.acme.test');
  });

  it('an unsigned message says so, and a token from another message is flagged', async () => {
    const proof = await verify(arrived(viaRelay(platformMessage())), { expectedToken: 'OTHER' });
    expect(proof.dkim).toEqual([]);
    expect(proof.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['dkim-unsigned', 'token-mismatch']));
    expect(proof.token).toEqual({ expected: 'OTHER', found: 'T0K3N', matches: false });
  });

  it('a DNS server that does not answer gives temperror, not fail', async () => {
    dns.server().setFault(`_dmarc.${ACME}`, { kind: 'servfail' });
    try {
      const proof = await verify(arrived(await signMessage(viaRelay(platformMessage()), [keys.acmeRelay])));
      expect(proof.dmarc.result).toBe('temperror');
      expect(proof.dmarc.explanation).toMatch(/DNS did not answer/u);
    } finally {
      dns.server().setFault(`_dmarc.${ACME}`, null);
    }
  });

  it('a copy of the sent message (no Received chain) cannot prove SPF and says why', async () => {
    const proof = await verify(Buffer.from(await signMessage(platformMessage(), [keys.acmeRelay])));
    expect(proof.spf).toMatchObject({ result: 'none', ip: null });
    expect(proof.spf.explanation).toMatch(/No Received header names the IP/u);
    expect(proof.delayMs).toBeNull();
  });
});

describe('the Received chain', () => {
  it('parses from, IP, by, with and the time', () => {
    expect(parseReceived('from mail.acme.test (mail.acme.test [192.0.2.25]) by mx.google.com with ESMTPS id x12si; Mon, 23 Nov 2026 10:00:07 +0000 (UTC)')).toEqual({
      from: 'mail.acme.test',
      ip: '192.0.2.25',
      by: 'mx.google.com',
      with: 'ESMTPS',
      at: '2026-11-23T10:00:07.000Z',
    });
    expect(parseReceived('from [IPv6:2001:db8::25] by mx with SMTP; junk date').ip).toBe('2001:db8::25');
    expect(parseReceived('by 2002:a05:6a10:1234 with SMTP id z9csp; Mon, 23 Nov 2026 10:00:08 -0800')).toMatchObject({ from: null, ip: null, with: 'SMTP', at: '2026-11-23T18:00:08.000Z' });
  });

  it('judges the first public hop that is not an authenticated submission', () => {
    const hops = [
      parseReceived('from localhost (localhost [127.0.0.1]) by mx.example.org with LMTP; Mon, 23 Nov 2026 10:00:09 +0000'),
      parseReceived('by 2002:a05:6a10::1 with SMTP id z; Mon, 23 Nov 2026 10:00:08 +0000'),
      parseReceived('from out.acme.test (out.acme.test [198.51.100.7]) by mx.example.org with ESMTPS; Mon, 23 Nov 2026 10:00:07 +0000'),
      parseReceived('from laptop ([203.0.113.50]) by out.acme.test with ESMTPSA; Mon, 23 Nov 2026 10:00:01 +0000'),
    ];
    expect(senderHop(hops)).toEqual({ index: 2, ip: '198.51.100.7', helo: 'out.acme.test' });
    expect(deliveryDelayMs('Mon, 23 Nov 2026 10:00:00 +0000', hops)).toBe(9_000);
    expect(senderHop(hops.slice(0, 1))).toEqual({ index: 0, ip: '127.0.0.1', helo: 'localhost' });
    expect(senderHop(hops.slice(3))).toBeNull();
  });
});

describe('malformed input is refused clearly, without crashing', () => {
  const refused = async (raw: Buffer, limits?: VerifyMessageOptions['limits']) => {
    const result = await verifyMessage(raw, { resolver: toMailauthResolver(dns.resolver({ timeoutMs: 3_000, retries: 1 })), ...(limits === undefined ? {} : { limits }) });
    if (result.ok) throw new Error('accepted');
    return result.error;
  };

  it.each([
    ['empty', Buffer.alloc(0), 'empty', 'The file is empty.'],
    ['plain text', Buffer.from('Hello, this is not an email.\n\nReally.\n'), 'no-headers', 'The file does not start with email header fields'],
    ['cut inside the headers', Buffer.from('Received: from a (a [192.0.2.1]) by b; Mon, 23 Nov 2026 10:00:00 +0000\r\nFrom: support@acme.test\r\nSubj'), 'truncated', 'ends in the middle of its header section'],
    ['binary', Buffer.concat([Buffer.from('From: a@acme.test\r\nX: \u0000\u0001\u0002'), Buffer.alloc(64)]), 'binary', 'binary file'],
    ['no From', Buffer.from('Subject: hi\r\nTo: x@example.org\r\n\r\nbody\r\n'), 'no-from', 'no From header field'],
  ])('%s', async (_name, raw, reason, message) => {
    const error = await refused(raw);
    expect(error).toMatchObject({ code: 'invalid-input', details: { reason } });
    expect(error.message).toContain(message);
    expect(error.hint).toBeTruthy();
  });

  it('20 MB of garbage is refused after reading only its start, in bounded memory', async () => {
    const garbage = Buffer.alloc(20 * 1024 * 1024, 'A');
    const before = process.memoryUsage();
    const started = performance.now();
    const error = await refused(garbage);
    expect(error.details).toEqual({ reason: 'headers-too-large' });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(process.memoryUsage().arrayBuffers - before.arrayBuffers).toBeLessThan(8 * 1024 * 1024);
  });

  it('a 20 MB message over the configured limit is refused with both sizes', async () => {
    const big = Buffer.concat([Buffer.from(platformMessage()), Buffer.alloc(20 * 1024 * 1024, 'x')]);
    const error = await refused(big, { maxBytes: 10 * 1024 * 1024 });
    expect(error).toMatchObject({ details: { reason: 'too-large' } });
    expect(error.message).toBe('The message is 20.0 MB; Relayproof verifies messages up to 10.0 MB.');
  });

  it('a valid 20 MB message is verified within the default limit', async () => {
    const body = `${'0123456789abcdef'.repeat(4)}\r\n`.repeat(Math.ceil((20 * 1024 * 1024) / 66));
    const signed = await signMessage(viaRelay(platformMessage().replace('Hello from the connector.\r\n', body)), [keys.acmeRelay]);
    const proof = await verify(arrived(signed));
    expect(proof.sizeBytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(proof.pass).toBe(true);
  });

  it('a MIME message cut in its body is verified but flagged as truncated, and its body hash fails', async () => {
    const multipart = platformMessage({ 'Content-Type': 'multipart/alternative; boundary="b1"' }).replace(
      'Hello from the connector.\r\nToken: T0K3N\r\n',
      '--b1\r\nContent-Type: text/plain\r\n\r\nHello\r\n--b1\r\nContent-Type: text/html\r\n\r\n<p>Hello</p>\r\n--b1--\r\n',
    );
    const signed = await signMessage(viaRelay(multipart), [keys.acmeRelay]);
    const cut = signed.slice(0, signed.indexOf('<p>Hello'));
    const proof = await verify(arrived(cut));
    expect(proof.findings.map((f) => f.code)).toContain('mime-truncated');
    expect(proof.dkim[0]?.bodyHashMatches).toBe(false);
  });

  it('an mbox "From " line before the message is skipped', () => {
    const shape = inspectMessage(Buffer.from(`From support@acme.test Mon Nov 23 10:00:00 2026\n${platformMessage()}`));
    expect(shape.ok && shape.headers[0]).toEqual({ name: 'From', value: 'Acme Support <support@acme.test>' });
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';
import { checkDkim, type DkimPreset } from './dkim';
import { signaturesInHeaders } from './dkim-record';
import { txtStrings } from './records';
import { checkItemSchema, type CheckDetailsOf, type CheckItem } from '../../src-preload/contract/checks-schemas';

const rsa = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const key2048 = rsa(2048);
const key4096 = rsa(4096);
const key1024 = rsa(1024);
const key512 = rsa(512);
const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).subarray(-32).toString('base64');

const zendesk: DkimPreset = { type: 'CNAME', mode: 'cname', expectedTarget: null, targetSuffix: 'zendesk.com', value: null };
const ses = (token: string): DkimPreset => ({ type: 'CNAME', mode: 'token-cname', expectedTarget: `${token}.dkim.amazonses.com`, targetSuffix: null, value: null });
const pic: DkimPreset = { type: 'TXT', mode: 'txt', expectedTarget: null, targetSuffix: null, value: `k=rsa; p=${key2048}` };

const d = 'dk.test';
const dns = useTestDns([
  {
    origin: d,
    records: [
      rr.cname(`zendesk1._domainkey.${d}`, `zendesk1.${d}._domainkey.zendesk.com`),
      rr.cname(`zendesk2._domainkey.${d}`, `zendesk2.${d}._domainkey.zendesk.com`),
      rr.txt(`revoked._domainkey.${d}`, 'v=DKIM1; k=rsa; p='),
      rr.txt(`k1024._domainkey.${d}`, `v=DKIM1; k=rsa; p=${key1024}`),
      rr.txt(`k512._domainkey.${d}`, `v=DKIM1; k=rsa; p=${key512}`),
      rr.txt(`k4096._domainkey.${d}`, `v=DKIM1; k=rsa; p=${key4096}`),
      rr.txt(`bad._domainkey.${d}`, `v=DKIM1; k=rsa; p=${key2048.slice(0, 40)}!${key2048.slice(41)}`),
      rr.txt(`cut._domainkey.${d}`, `v=DKIM1; k=rsa; p=${key2048.slice(0, 200)}`),
      rr.txt(`sel._domainkey.${d}.${d}`, `v=DKIM1; k=rsa; p=${key2048}`),
      rr.txt(`trial._domainkey.${d}`, `v=DKIM1; t=y; k=rsa; p=${key2048}`),
      rr.txt(`ed._domainkey.${d}`, `v=DKIM1; k=ed25519; p=${ed}`),
      rr.txt(`sha1._domainkey.${d}`, `v=DKIM1; h=sha1; k=rsa; p=${key2048}`),
      rr.cname(`tok1._domainkey.${d}`, 'tok1.dkim.amazonses.com'),
      rr.cname(`tok2._domainkey.${d}`, `tok2.dkim.amazonses.com.${d}`),
      rr.txt(`tok3._domainkey.${d}`, `p=${key2048}`),
      rr.txt(`pic._domainkey.${d}`, `k=rsa; p=${key2048}`),
      rr.txt(`picold._domainkey.${d}`, `k=rsa; p=${key1024}`),
      rr.txt(`flaky._domainkey.${d}`, `p=${key2048}`),
      rr.cname(`loop._domainkey.${d}`, `loop2._domainkey.${d}`),
      rr.cname(`loop2._domainkey.${d}`, `loop._domainkey.${d}`),
      rr.txt(`ctrl._domainkey.${d}`, `v=DKIM1; k=rsa;\u001b[2J p=${key2048}\u0000`),
    ],
  },
  { origin: 'zendesk.com', records: [rr.txt(`zendesk1.${d}._domainkey.zendesk.com`, `v=DKIM1; k=rsa; p=${key2048}`)] },
  { origin: 'amazonses.com', records: [rr.txt('tok1.dkim.amazonses.com', `p=${key2048}`)] },
]);

async function dkim(selector: string, preset: DkimPreset | null = null, platformName = 'Zendesk'): Promise<CheckItem> {
  const item = await checkDkim({ domain: 'dk.test', selector, resolver: dns.resolver(), preset, platformName });
  expect(checkItemSchema.parse(item)).toEqual(item);
  return item;
}
const details = (item: CheckItem) => item.evidence.details as CheckDetailsOf<'dkim'>;
const message = (item: CheckItem, code: string) => item.findings.find((f) => f.code === code)?.message ?? '';

describe('DKIM check', () => {
  it('follows the platform CNAME to a 2048-bit key and passes', async () => {
    const item = await dkim('zendesk1', zendesk);
    expect(item.status).toBe('pass');
    expect(item.id).toBe('dkim:zendesk1');
    expect(details(item)).toMatchObject({ cname: ['zendesk1.dk.test._domainkey.zendesk.com'], keyType: 'rsa', keyBits: 2048, revoked: false });
    expect(item.summary).toBe('Selector "zendesk1": a 2048-bit RSA key via CNAME zendesk1.dk.test._domainkey.zendesk.com.');
  });

  it('a CNAME whose target has no key yet fails and says where it points', async () => {
    const item = await dkim('zendesk2', zendesk);
    expect(item.status).toBe('fail');
    expect(message(item, 'dkim-cname-dangling')).toBe(
      'zendesk2._domainkey.dk.test is a CNAME to zendesk2.dk.test._domainkey.zendesk.com, which has no key (NXDOMAIN). Check the target against what Zendesk shows; if it is right, Zendesk has not published the key yet.',
    );
  });

  it('an empty p= is a revoked key', async () => {
    const item = await dkim('revoked');
    expect(item.status).toBe('fail');
    expect(details(item).revoked).toBe(true);
    expect(message(item, 'dkim-revoked')).toBe('The key for selector "revoked" is revoked (empty p=): every signature with this selector fails (RFC 6376 §3.6.1).');
  });

  it('a 1024-bit key warns, a 512-bit key fails, a 4096-bit key split across strings passes', async () => {
    const k1024 = await dkim('k1024');
    expect(k1024.status).toBe('warn');
    expect(message(k1024, 'dkim-short-key')).toBe('The RSA key has 1024 bits: still accepted, but RFC 8301 §3.2 asks for 2048. Rotate to a 2048-bit key.');
    const k512 = await dkim('k512');
    expect(k512.status).toBe('fail');
    expect(message(k512, 'dkim-weak-key')).toBe('The RSA key has 512 bits; RFC 8301 §3.2 forbids verifiers to accept keys under 1024 bits, so DKIM fails. Publish a 2048-bit key.');
    const k4096 = await dkim('k4096');
    expect(k4096.status).toBe('pass');
    expect(details(k4096).keyBits).toBe(4096);
    const published = k4096.evidence.queries.find((q) => q.name === 'k4096._domainkey.dk.test')?.records[0];
    expect(published?.type === 'TXT' && published.strings.length).toBeGreaterThan(2);
  });

  it('a malformed p= fails with what is wrong with it', async () => {
    const bad = await dkim('bad');
    expect(bad.status).toBe('fail');
    expect(message(bad, 'dkim-malformed-key')).toBe('The key is malformed: p= contains "!" at position 41, which is not base64. Verifiers fail every signature with it; copy the key again from the source.');
    const cut = await dkim('cut');
    expect(message(cut, 'dkim-malformed-key')).toBe(
      'The key is malformed: p= decodes to 150 bytes that are not an RSA public key (truncated or mistyped). Verifiers fail every signature with it; copy the key again from the source.',
    );
  });

  it('detects the record published at the doubled name and gives both records to fix', async () => {
    const item = await dkim('sel');
    expect(item.status).toBe('fail');
    expect(message(item, 'dkim-doubled-domain')).toBe(
      'The key is published at sel._domainkey.dk.test.dk.test instead of sel._domainkey.dk.test: your DNS host added dk.test to a name that already ended in it. Enter only "sel._domainkey" as the host name.',
    );
    expect(details(item).doubledName).toBe('sel._domainkey.dk.test.dk.test');
    expect(item.fix?.records.map((r) => [r.action, r.nameRelative, r.type])).toEqual([
      ['remove', 'sel._domainkey.dk.test', 'TXT'],
      ['add', 'sel._domainkey', 'TXT'],
    ]);
  });

  it('t=y testing, SHA-1 only and ed25519', async () => {
    const trial = await dkim('trial');
    expect(trial.status).toBe('warn');
    expect(message(trial, 'dkim-testing')).toContain('t=y: the domain says it is testing DKIM');
    const sha1 = await dkim('sha1');
    expect(sha1.status).toBe('fail');
    expect(message(sha1, 'dkim-sha1-only')).toBe('h=sha1 allows only SHA-1, which RFC 8301 §3.1 forbids; remove h= (or use h=sha256).');
    const ed25519 = await dkim('ed');
    expect(ed25519.status).toBe('pass');
    expect(details(ed25519)).toMatchObject({ keyType: 'ed25519', keyBits: 256 });
  });

  it("checks Amazon SES token CNAMEs against the expected target", async () => {
    expect((await dkim('tok1', ses('tok1'), 'Amazon SES')).status).toBe('pass');
    const wrong = await dkim('tok2', ses('tok2'), 'Amazon SES');
    expect(wrong.status).toBe('fail');
    expect(message(wrong, 'dkim-cname-target')).toBe('tok2._domainkey.dk.test points to tok2.dkim.amazonses.com.dk.test; Amazon SES expects tok2.dkim.amazonses.com.');
    const txt = await dkim('tok3', ses('tok3'), 'Amazon SES');
    expect(txt.status).toBe('fail');
    expect(message(txt, 'dkim-not-cname')).toContain('Amazon SES verifies the domain by looking for a CNAME there; it will stay Pending');
    expect(txt.fix?.records[0]).toMatchObject({ action: 'replace', type: 'CNAME', nameRelative: 'tok3._domainkey', value: 'tok3.dkim.amazonses.com' });
  });

  it("compares a platform's published TXT key (ClientTether pic)", async () => {
    expect((await dkim('pic', pic, 'ClientTether')).status).toBe('pass');
    const old = await dkim('picold', pic, 'ClientTether');
    expect(old.status).toBe('fail');
    expect(message(old, 'dkim-key-mismatch')).toBe('The key differs from the one ClientTether publishes for "picold", so ClientTether\'s signatures fail. Publish ClientTether\'s key exactly.');
    expect(old.fix?.records[0]?.strings.every((s) => Buffer.byteLength(s) <= 255)).toBe(true);
  });

  it('a missing key fails; a resolver fault is an error', async () => {
    const missing = await dkim('nothing', { type: 'CNAME', mode: 'token-cname', expectedTarget: 'nothing.dkim.amazonses.com', targetSuffix: null, value: null }, 'Amazon SES');
    expect(missing.status).toBe('fail');
    expect(message(missing, 'dkim-missing')).toBe('No DKIM key at nothing._domainkey.dk.test (the name does not exist): mail signed with selector "nothing" fails DKIM.');
    expect(missing.fix?.records[0]).toMatchObject({ action: 'add', nameRelative: 'nothing._domainkey', type: 'CNAME', value: 'nothing.dkim.amazonses.com' });
    dns.server().setFault('flaky._domainkey.dk.test', { kind: 'servfail' });
    const fault = await dkim('flaky');
    expect(fault.status).toBe('error');
    expect(message(fault, 'dkim-lookup-failed')).toContain('answered SERVFAIL for TXT flaky._domainkey.dk.test');
  });
});

describe('DKIM check over awkward DNS', () => {
  it('reads a key whose UDP answer is truncated over TCP', async () => {
    dns.server().setFault('k4096._domainkey.dk.test', { kind: 'truncate' });
    const item = await dkim('k4096');
    dns.server().setFault('k4096._domainkey.dk.test', null);
    expect(item.status).toBe('pass');
    expect(item.evidence.queries.find((q) => q.name === 'k4096._domainkey.dk.test')).toMatchObject({ transport: 'tcp', attempts: [{ truncatedUdp: true, transport: 'tcp' }] });
  });

  it('a CNAME loop fails with the loop shown', async () => {
    const item = await dkim('loop');
    expect(item.status).toBe('fail');
    expect(message(item, 'dkim-cname-loop')).toBe(
      'The CNAME chain for loop._domainkey.dk.test loops or is longer than 8 steps: loop._domainkey.dk.test → loop2._domainkey.dk.test, loop2._domainkey.dk.test → loop._domainkey.dk.test. Receivers give up on it.',
    );
  });

  it('control characters in the record fail and are shown by name', async () => {
    const item = await dkim('ctrl');
    expect(item.status).toBe('fail');
    expect(message(item, 'dkim-hidden-characters')).toBe('The key record contains invisible characters (U+001B ESC at position 16, U+0000 NUL at position 415); re-paste it as plain text.');
    expect(item.findings.find((f) => f.code === 'dkim-hidden-characters')?.subject).toContain('k=rsa;⟨U+001B ESC⟩[2J p=');
    expect(item.evidence.records[0]).toContain('\u001b[2J');
  });
});

describe('DKIM helpers', () => {
  it('reads selectors from received DKIM-Signature headers', () => {
    const headers = 'Received: from x\r\nDKIM-Signature: v=1; a=rsa-sha256; d=Example.com;\r\n s=Zendesk1; h=from:to; bh=abc=; b=def\r\nDKIM-Signature: v=1; d=amazonses.com; s=ug7n; b=x\r\nSubject: hi\r\n';
    expect(signaturesInHeaders(headers)).toEqual([
      { selector: 'zendesk1', domain: 'example.com' },
      { selector: 'ug7n', domain: 'amazonses.com' },
    ]);
  });

  it('splits a long key into strings of at most 255 bytes that join back', () => {
    const value = `v=DKIM1; k=rsa; p=${key4096}`;
    const strings = txtStrings(value);
    expect(strings.every((s) => Buffer.byteLength(s) <= 255)).toBe(true);
    expect(strings.join('')).toBe(value);
    expect(txtStrings('é'.repeat(200)).map((s) => Buffer.byteLength(s))).toEqual([254, 146]);
  });
});

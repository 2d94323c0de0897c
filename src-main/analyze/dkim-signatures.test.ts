import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DKIM_HEADER_CHARS, MAX_DKIM_SIGNATURES_LISTED, type DkimSignaturesInput } from '../../src-preload/contract/analyze';
import { silentLogger } from '../log/logger';
import { createServices, type Services } from '../services';
import { headerBlock, readDkimSignatures } from './dkim-signatures';

const signature = (d: string, s: string) => `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${d};\r\n s=${s}; t=1733500000;\r\n h=from:to:subject; bh=abc=; b=def=\r\n`;
const message = (headers: string, body = 'Hello\r\n') => `${headers}From: support@example.com\r\nSubject: Relay test\r\n\r\n${body}`;

describe('reading the relay selector from a message it sent', () => {
  it('finds the selector of a signature by the address domain, folded over several lines', () => {
    const report = readDkimSignatures(message(signature('example.com', 'selector1')), 'example.com');
    expect(report.selectors).toEqual(['selector1']);
    expect(report.signatures).toEqual([{ selector: 'selector1', domain: 'example.com', relation: 'same' }]);
    expect(report.message).toBe('Your mail service signs example.com with the selector selector1 (d=example.com).');
  });

  it('counts a signature by a parent domain (relaxed alignment) but not one by a subdomain or a look-alike', () => {
    const report = readDkimSignatures(
      message(signature('example.com', 'google') + signature('mail.support.example.com', 'sub') + signature('badexample.com', 'evil')),
      'support.example.com',
    );
    expect(report.signatures.map((s) => `${s.selector}:${s.relation}`)).toEqual(['google:parent', 'sub:other', 'evil:other']);
    expect(report.selectors).toEqual(['google']);
  });

  it("says so when every signature is another domain's, and offers no selector", () => {
    const report = readDkimSignatures(message(signature('sendgrid.net', 's1') + signature('zendesk.com', 'zendesk1')), 'example.com');
    expect(report.selectors).toEqual([]);
    expect(report.signatures.every((s) => s.relation === 'other')).toBe(true);
    expect(report.message).toContain('d=sendgrid.net (s=s1), d=zendesk.com (s=zendesk1), none by example.com or a parent domain');
    expect(report.message).toContain('turn on DKIM signing for example.com');
  });

  it('says when the headers carry no signature at all', () => {
    const report = readDkimSignatures(message(''), 'example.com');
    expect(report.signatures).toEqual([]);
    expect(report.message).toMatch(/^These headers have no DKIM-Signature/u);
  });

  it('reads only the header block: a signature quoted in the body is not the message’s', () => {
    const forwarded = `---------- Forwarded message ----------\r\n${signature('example.com', 'quoted')}`;
    const report = readDkimSignatures(message(signature('example.com', 'real'), forwarded), 'example.com');
    expect(report.selectors).toEqual(['real']);
    expect(headerBlock('\r\n\r\nA: 1\r\nB: 2\r\n\r\nbody')).toBe('A: 1\r\nB: 2');
  });

  it('takes an internationalised address domain in its Unicode form against an A-label d=', () => {
    const report = readDkimSignatures(message(signature('xn--bcher-kva.example', 'relay')), 'bücher.example');
    expect(report.selectors).toEqual(['relay']);
  });

  it('lists at most the first signatures of a message with thousands, counts the rest, and never more than 16 selectors', () => {
    const many = Array.from({ length: 3000 }, (_, i) => signature('example.com', `s${i}`)).join('');
    const report = readDkimSignatures(message(many), 'example.com');
    expect(report.signatures).toHaveLength(MAX_DKIM_SIGNATURES_LISTED);
    expect(report.omitted).toBe(3000 - MAX_DKIM_SIGNATURES_LISTED);
    expect(report.selectors).toHaveLength(16);
    expect(report.selectors[0]).toBe('s0');
    expect(report.message).toContain(`${3000 - MAX_DKIM_SIGNATURES_LISTED} other signatures were not listed`);
  });

  it('never echoes an s= or d= that is not a name: markup, control characters, huge values', () => {
    const hostile =
      signature('example.com', '<img src=x onerror=alert(1)>') +
      signature('example.com', 'a'.repeat(70_000)) +
      signature('exa\u202Emple.com', 'x') +
      signature('example.com\u0000', 'y') +
      'DKIM-Signature: d=example.com; s=\r\n' +
      'DKIM-Signature: ' + ';'.repeat(50_000) + '\r\n';
    const report = readDkimSignatures(message(hostile), 'example.com');
    expect(report.signatures).toEqual([]);
    expect(report.selectors).toEqual([]);
    expect(report.omitted).toBe(4);
    expect(report.message).not.toMatch(/<img|\u202E|\u0000|a{64}/u);
    expect(report.message).toContain('only signatures whose s= or d= is not a valid name');
  });

  it('a duplicated signature is listed once', () => {
    const report = readDkimSignatures(message(signature('example.com', 'relay') + signature('EXAMPLE.COM.', 'RELAY')), 'example.com');
    expect(report.signatures).toEqual([{ selector: 'relay', domain: 'example.com', relation: 'same' }]);
  });
});

describe('analyze:read-dkim-signatures through the dispatcher', () => {
  let dir: string;
  let services: Services;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'relayproof-dkim-signatures-'));
    services = createServices({ dataDirectory: join(dir, 'data'), mode: 'cli', logger: silentLogger, validateOutput: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const call = (input: DkimSignaturesInput) => services.createDispatcher().dispatch('analyze:read-dkim-signatures', input);

  it('answers with the selector, its output checked against the contract', async () => {
    const result = await call({ headers: message(signature('example.com', 'selector2')), domain: 'Example.COM' });
    expect(result).toMatchObject({ ok: true, value: { domain: 'example.com', selectors: ['selector2'] } });
  });

  it('refuses a text over the limit and a domain with a hidden character before reading anything', async () => {
    const huge = message(signature('example.com', 'relay')) + 'X'.repeat(MAX_DKIM_HEADER_CHARS);
    expect(await call({ headers: huge, domain: 'example.com' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await call({ headers: signature('example.com', 'relay'), domain: 'exam\u200Bple.com' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await call({ headers: '', domain: 'example.com' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('reads a header block as large as the limit allows', async () => {
    const filler = `X-Filler: ${'f'.repeat(MAX_DKIM_HEADER_CHARS - 2000)}\r\n`;
    const result = await call({ headers: filler + signature('example.com', 'late'), domain: 'example.com' });
    expect(result).toMatchObject({ ok: true, value: { selectors: ['late'] } });
  });
});

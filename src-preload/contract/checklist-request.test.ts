/**
 * The plain reader of the checklist's input never accepts what the contract's schema
 * refuses, and returns exactly what the schema returns; it accepts what `relayproof check`
 * sends for the input an admin types. Checked on a corpus of edge cases and on a seeded
 * fuzz that recombines valid, invalid and tricky values for every field.
 */
import { describe, expect, it } from 'vitest';
import { acceptChecklistRequest, CHECKLIST_TIMEOUT_MS } from './checklist-request';
import { checksChannels } from './checks';

const spec = checksChannels['checks:run-checklist'];
const OP = 'cli_1234_1796620097167';

/** Every field's pool: values both should accept, values the schema refuses, and values that change on the way in. */
const POOLS: Readonly<Record<string, readonly unknown[]>> = {
  domain: ['example.com', 'Example.COM.', ' example.com ', 'bücher.example', 'xn--bcher-kva.example', '_dmarc.example.com', 'a.b', 'example', '-bad.example', 'ex ample.com', 'example.com\u200b', 'ex\u202eample.com', 'a'.repeat(250) + '.com', 42, '', null],
  platform: ['generic', 'zendesk', 'zuora-ses', 'no-such-platform', 'Zendesk', '-zendesk', 'a'.repeat(65), 7],
  route: ['connector', 'direct', 'ses', 'Connector', 'relay', ''],
  relaySelectors: [[], ['selector1'], ['Selector1 ', 'k2._x'], ['bad selector'], ['a'.repeat(64)], Array.from({ length: 17 }, (_, i) => `s${i}`), ['s\u00ad1'], 'selector1', [3]],
  relayInclude: ['spf.protection.outlook.com', '_spf.google.com.', 'not a domain', ''],
  selectors: [[], ['zendesk1', 'zendesk2'], ['-x'], ['x.'], ['x..y'], ['ok', 'ZZ']],
  messageHeaders: ['DKIM-Signature: v=1; d=example.com; s=s1;', '', 'x'.repeat(65_537), 5],
  sendingIp: ['192.0.2.25', '2001:db8::25', '::ffff:192.0.2.1', '192.0.2.256', '192.0.2.025', '[2001:db8::1]', 'fe80::1%eth0', ' 192.0.2.1', 'example.com'],
  smtpHost: ['smtp.office365.com', '', 'x'.repeat(254), 'smtp\u0000host', 'smtp\u2028host'],
  sender: ['bounce@example.com', 'x'.repeat(321), 'a\u200eb@example.com'],
  heloName: ['out.example.com', '[192.0.2.1]', 'x'.repeat(253), 'x'.repeat(254), 'out\u001bhost'],
  heloSource: ['ehlo', 'banner', 'user', 'EHLO', 'dns'],
  forwardingAddress: ['support@acme.zendesk.com', 'x'.repeat(321)],
  dnsServers: [[], ['127.0.0.1:5353'], ['192.0.2.53', '2001:db8::53', '[2001:db8::53]:5301'], ['[192.0.2.53]'], ['192.0.2.53:0'], ['192.0.2.53:65536'], ['2001:db8::53:53'], ['dns.example'], ['192.0.2.53:99999'], Array.from({ length: 9 }, (_, i) => `192.0.2.${i + 1}`), ['1.1.1.1 ']],
  dmarcReports: [{ messages: 10, dmarcPass: 9, days: 7 }],
  only: [['spf'], ['dkim', 'dmarc']],
  operationId: [OP, 'short', 'has space in it!', 'x'.repeat(65), 12345678],
  unexpected: ['value'],
};

function compare(raw: unknown): 'accepted' | 'left to the schema' {
  const plain = acceptChecklistRequest(raw);
  const schema = spec.input.safeParse(raw);
  if (plain === null) return 'left to the schema';
  expect(schema.success, `the schema refuses what the plain reader accepted: ${JSON.stringify(raw)}`).toBe(true);
  expect(plain, `different output for ${JSON.stringify(raw)}`).toStrictEqual(schema.data);
  return 'accepted';
}

describe('acceptChecklistRequest', () => {
  it('accepts what relayproof check sends for typed input, exactly as the schema parses it', () => {
    const typical: unknown[] = [
      { domain: 'example.com', relaySelectors: [], selectors: [], dnsServers: ['127.0.0.1:5353'], operationId: OP },
      { domain: 'Example.COM.', platform: 'zendesk', route: 'connector', relaySelectors: ['Selector1'], selectors: ['k1'], sendingIp: '192.0.2.25', smtpHost: 'smtp.office365.com', heloName: 'out.example.com', heloSource: 'user', forwardingAddress: 'support@acme.zendesk.com', dnsServers: ['192.0.2.53', '[2001:db8::53]:5301'], operationId: OP },
      { domain: 'bücher.example', platform: 'zuora-ses', relaySelectors: ['abcdefghijklmnopqrstuvwxyz234567'], selectors: [], dnsServers: [], operationId: OP },
      { domain: 'example.com', operationId: OP },
    ];
    for (const raw of typical) expect(compare(raw), JSON.stringify(raw)).toBe('accepted');
  });

  it('leaves every refused value to the schema, which refuses it', () => {
    const base = { domain: 'example.com', operationId: OP };
    const refused: unknown[] = [
      null,
      'example.com',
      [],
      { ...base, domain: 'ex ample.com' },
      { ...base, unexpected: 1 },
      { ...base, sendingIp: '192.0.2.256' },
      { ...base, dnsServers: ['dns.example'] },
      { ...base, relaySelectors: ['bad selector'] },
      { ...base, operationId: 'short' },
      { domain: 'example.com' },
      // Arrays with holes (JSON never has them; a caller in this process could).
      // eslint-disable-next-line no-sparse-arrays
      { ...base, selectors: [, 'a'] },
      // eslint-disable-next-line no-sparse-arrays
      { ...base, dnsServers: [,] },
    ];
    for (const raw of refused) {
      expect(acceptChecklistRequest(raw), JSON.stringify(raw)).toBeNull();
      expect(spec.input.safeParse(raw).success, JSON.stringify(raw)).toBe(false);
    }
  });

  it('agrees with the schema on a corpus of every field value, one field varied at a time', () => {
    const base: Record<string, unknown> = { domain: 'example.com', operationId: OP };
    let accepted = 0;
    for (const [field, values] of Object.entries(POOLS)) {
      for (const value of values) if (compare({ ...base, [field]: value }) === 'accepted') accepted += 1;
      // A key given as undefined: the schema keeps the key, the reader leaves it to the schema.
      compare({ ...base, [field]: undefined });
    }
    expect(accepted).toBeGreaterThan(40);
  });

  it('agrees with the schema on 3,000 seeded random combinations', () => {
    let seed = 0x5eed;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    // Each pool starts with values both accept: mostly those, so that whole inputs pass often.
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * (random() < 0.8 ? Math.min(2, items.length) : items.length))] as T;
    const outcomes = { accepted: 0, 'left to the schema': 0 };
    for (let i = 0; i < 3_000; i += 1) {
      const raw: Record<string, unknown> = {};
      for (const [field, values] of Object.entries(POOLS)) {
        const chance = field === 'domain' || field === 'operationId' ? 0.95 : field === 'unexpected' || field === 'dmarcReports' || field === 'only' ? 0.03 : 0.4;
        if (random() < chance) raw[field] = pick(values);
      }
      outcomes[compare(raw)] += 1;
    }
    // Both kinds happen often enough for the comparison to mean something.
    expect(outcomes.accepted).toBeGreaterThan(100);
    expect(outcomes['left to the schema']).toBeGreaterThan(100);
  });

  it('the contract and the command give the checklist the same deadline', () => {
    expect(spec.timeoutMs).toBe(CHECKLIST_TIMEOUT_MS);
  });
});

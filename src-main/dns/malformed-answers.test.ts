/**
 * Issue 12: a DNS answer that cannot be read is an `error` ("the server's answer could
 * not be read", naming the server), never "no record". Each broken answer comes from a
 * real server on 127.0.0.1, over UDP and (for the ones a client reads there) over TCP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { checkDkim } from '../checks/dkim';
import { checkDmarc } from '../checks/dmarc';
import { checkSpf } from '../checks/spf';
import { brokenAnswers, startBrokenDnsServer, type BrokenAnswer, type BrokenDnsServer } from '../testing/broken-dns-server';
import { breakAnswer } from '../testing/broken-dns-server';
import { resolverFromSpecs } from './resolver';
import { serverAddress } from './servers';
import { exchange } from './transport';
import { decodeResponse, encodeQuery } from './wire';

const running: BrokenDnsServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function broken(how: BrokenAnswer): Promise<BrokenDnsServer> {
  const server = await startBrokenDnsServer(how);
  running.push(server);
  return server;
}

/** Short waits: a broken answer under another id (or none at all) is only known at the deadline. */
function resolverFor(server: BrokenDnsServer) {
  const made = resolverFromSpecs([server.address], { timeoutMs: 300, retries: 0 });
  if ('errors' in made) throw new Error(made.errors.join(' '));
  return made.resolver;
}

describe('a DNS answer that cannot be read', () => {
  it.each(brokenAnswers)('%s: the lookup is an error naming the server, not "no record"', async (how) => {
    const server = await broken(how);
    const lookup = await resolverFor(server).lookup('example.test', 'TXT');
    expect(server.questions()).toBeGreaterThan(0);
    expect(lookup.outcome).toBe('error');
    expect(lookup.records).toEqual([]);
    expect(lookup.explanation).toContain("the server's answer could not be read");
    expect(lookup.explanation).toContain(server.address);
    expect(lookup.explanation).toMatch(/Whether the record exists is unknown\.$/u);
  });

  it.each(brokenAnswers)('%s over TCP (where a truncated UDP answer sends the question): the same', async (how) => {
    const server = await broken(how);
    const result = await exchange(serverAddress('127.0.0.1', server.port), encodeQuery('example.test', 'TXT', { recursion: true, edns: true }), { timeoutMs: 300, transport: 'tcp' });
    expect(result.kind, JSON.stringify(result)).toBe('malformed');
  });

  it.each(['cut', 'damaged-record', 'huge-counts'] as const)('%s: SPF, DKIM and DMARC are error items, never "has no record"', async (how) => {
    const server = await broken(how);
    const resolver = resolverFor(server);
    const items = [await checkSpf({ domain: 'example.test', resolver }), await checkDkim({ domain: 'example.test', selector: 'relay1', resolver }), await checkDmarc({ domain: 'example.test', resolver })];
    for (const item of items) {
      expect(item.status, `${item.id}: ${item.summary}`).toBe('error');
      expect(item.summary).not.toMatch(/has no (SPF|DMARC) record|No DKIM key/u);
      expect(JSON.stringify(item.findings)).toContain("the server's answer could not be read");
    }
  });

  it('a message cut short WITH the truncation bit is not "unreadable": the question goes to TCP as RFC 7766 says', () => {
    const query = encodeQuery('example.test', 'TXT', { recursion: true, edns: false });
    const cut = breakAnswer(query.bytes, 'cut');
    cut[2] = (cut[2] ?? 0) | 0x02;
    const decoded = decodeResponse(cut);
    expect(decoded.kind).toBe('message');
    expect(decoded.kind === 'message' && decoded.response.truncated).toBe(true);
  });

  it('a whole, correct answer still decodes with its record', () => {
    const query = encodeQuery('example.test', 'TXT', { recursion: true, edns: false });
    const good = breakAnswer(query.bytes, 'wrong-id');
    good.writeUInt16BE(query.id, 0);
    const decoded = decodeResponse(good);
    expect(decoded.kind === 'message' ? decoded.response.answers.map((r) => r.value) : decoded).toEqual(['v=spf1 -all']);
  });
});

/** The blocklists of a saved address: which IPs stand for the relay, and what is said when the real one is not known. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Address } from '../../src-preload/contract/addresses-schemas';
import type { BlocklistFile } from '../../src-preload/contract/blocklist-schemas';
import type { MessageProof } from '../../src-preload/contract/verification-schemas';
import { repositoryResourcesDir } from '../analyze/reply-catalogue';
import { testAddressFields } from '../testing/address-fields';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';
import { checkAddressBlocklists } from './address-blocklists';
import { loadBlocklists } from './blocklist-catalogue';

const dns = useTestDns([
  { origin: 'zen.spamhaus.org', records: [rr.a('30.2.0.192.zen.spamhaus.org', '127.0.0.3')] },
  { origin: 'acme.test', records: [rr.a('smtp.acme.test', '192.0.2.40')] },
  ...['dbl.spamhaus.org', 'bl.spamcop.net', 'b.barracudacentral.org', 'bl.mailspike.net', 'psbl.surriel.com', 'multi.uribl.com'].map((origin) => ({ origin, records: [] })),
]);

const address: Address = {
  ...testAddressFields({ address: 'support@acme.test', host: 'smtp.acme.test' }),
  id: 'a-1',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  secretChangedAt: null,
  setup: 'complete',
  proceedReason: null,
  lastTest: null,
};

// Only what the checklist input reads of a proof: the IP and HELO the message came from.
const proof = { sender: { ip: '192.0.2.30', helo: 'out.relay.test', hop: 1 }, dkim: [] } as unknown as MessageProof;

let file: BlocklistFile;
beforeAll(async () => {
  const loaded = await loadBlocklists(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  file = loaded.value;
});

const deps = () => ({ file, resolver: dns.resolver(), clock: () => new Date('2026-12-06T20:00:00.000Z') });

describe('checkAddressBlocklists', () => {
  it('checks the IP the last verification email came from first, then the SMTP host, then the domain', async () => {
    const result = await checkAddressBlocklists(address, proof, deps());
    expect(result.targets.map((t) => [t.role, t.report.target])).toEqual([
      ['sending-ip', '192.0.2.30'],
      ['smtp-host-ip', '192.0.2.40'],
      ['domain', 'acme.test'],
    ]);
    expect(result.targets[0]?.report).toMatchObject({ listed: true, blocking: true });
    expect(result.targets[0]?.report.results.find((r) => r.zone === 'zen.spamhaus.org')?.meaning).toMatch(/^SBL CSS/u);
    expect(result.notes).toEqual([]);
    expect(result.checkedAt).toBe('2026-12-06T20:00:00.000Z');
  });

  it('without a received message, says the real sending IP is unknown and checks the SMTP host as it resolves now', async () => {
    const result = await checkAddressBlocklists(address, null, deps());
    expect(result.targets.map((t) => t.role)).toEqual(['smtp-host-ip', 'domain']);
    expect(result.targets[0]?.source).toMatch(/as it resolves now/u);
    expect(result.notes[0]).toMatch(/Send the verification email/u);
  });

  it('names a host that does not resolve, and still checks the domain', async () => {
    const result = await checkAddressBlocklists({ ...address, host: 'missing.acme.test' }, null, deps());
    expect(result.targets.map((t) => t.role)).toEqual(['domain']);
    expect(result.notes.join(' ')).toMatch(/missing\.acme\.test has no address to check/u);
  });
});

/**
 * DNS items through the real checklist and the test DNS server: verified, then a record
 * broken at the "DNS host" goes stale with before/after, fails 72 hours later, and
 * recovers when the record is back.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runChecklist } from '../checks/checklist';
import { checklistInputSchema, type ChecklistReport } from '../../src-preload/contract/checks-schemas';
import { loadPlatforms, repositoryResourcesDir, type PlatformCatalog } from '../providers/platforms';
import { useTestDns } from '../testing/dns-fixture';
import { rr, type Zone } from '../testing/dns-zone';
import { ACME, createVerificationKeys, verificationZones } from '../testing/verification-zone';
import { emptyHistory, recordRun, type RecordedRun } from './history';
import { checklistObservations, untrackedDnsItems } from './observations';
import { latestNotNeeded, type AddressVerificationState, type History } from '../../src-preload/contract/verification-schemas';
import { notNeededItems } from './address-checklist';
import { initialStatus, statusView } from './status-machine';

const keys = createVerificationKeys();
const healthy = verificationZones(keys);
const dns = useTestDns(healthy);
const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-23T10:00:00Z');

let platforms: PlatformCatalog;
beforeAll(async () => {
  const loaded = await loadPlatforms(repositoryResourcesDir());
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  platforms = loaded.platforms;
});

async function checklist(at: number, selectors: string[] = ['relay1']): Promise<ChecklistReport> {
  const input = checklistInputSchema.parse({ domain: ACME, platform: 'generic', relaySelectors: selectors, sendingIp: '127.0.0.2', only: ['spf', 'dkim', 'dmarc'] });
  const result = await runChecklist(input, { platforms, resolver: dns.resolver({ timeoutMs: 3_000, retries: 1 }), clock: () => new Date(at) });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function withAcme(change: (records: Zone['records']) => Zone['records']): Zone[] {
  return healthy.map((z) => (z.origin === ACME ? { ...z, records: change(z.records) } : z));
}

async function run(state: AddressVerificationState, history: History, at: number, selectors?: string[]): Promise<RecordedRun> {
  const report = await checklist(at, selectors);
  return recordRun(state, history, { id: `r${at}`, trigger: 'scheduled', startedAt: new Date(at).toISOString(), finishedAt: report.finishedAt, observations: checklistObservations(report) });
}

const stateOf = (s: AddressVerificationState, id: string) => s.items.find((i) => i.id === id)?.status;

describe('DNS items from the checklist', () => {
  it('verified, then stale with before/after when a record breaks, failed after 72 hours, verified again when fixed', async () => {
    dns.server().setZones(healthy);
    const start = initialStatus({ addressId: 'support-acme', domain: ACME });
    const first = await run(start, emptyHistory('support-acme'), T0);
    expect(first.state.items.filter((i) => i.group === 'dns').map((i) => [i.id, i.status.state])).toEqual([
      ['dns:spf', 'verified'],
      ['dns:dkim:relay1', 'verified'],
      ['dns:dmarc', 'verified'],
    ]);
    expect(stateOf(first.state, 'dns:spf')).toMatchObject({ evidence: { value: 'v=spf1 ip4:127.0.0.2 -all' } });

    // At the DNS host: the DKIM key deleted, SPF edited to a wider range that still holds the relay.
    dns.server().setZones(withAcme((records) => records.filter((r) => !r.name.startsWith('relay1._domainkey')).map((r) => (r.name === ACME && r.type === 'TXT' ? rr.txt(ACME, 'v=spf1 ip4:127.0.0.0/24 -all') : r))));
    const second = await run(first.state, first.history, T0 + HOUR);
    const dkim = stateOf(second.state, 'dns:dkim:relay1');
    expect(dkim).toMatchObject({ state: 'stale', deadlineAt: new Date(T0 + 73 * HOUR).toISOString(), drift: { before: keys.acmeRelay.record, after: null } });
    // SPF still passes for the relay's IP: verified, with the change shown.
    expect(stateOf(second.state, 'dns:spf')).toMatchObject({ state: 'verified', drift: { before: 'v=spf1 ip4:127.0.0.2 -all', after: 'v=spf1 ip4:127.0.0.0/24 -all' } });
    expect(second.run.drift.map((d) => d.itemId).sort()).toEqual(['dns:dkim:relay1', 'dns:spf']);
    expect(second.run.transitions).toEqual([{ itemId: 'dns:dkim:relay1', from: 'verified', to: 'stale', at: expect.any(String) }]);
    const view = statusView(second.state, new Date(T0 + 2 * HOUR));
    expect(view.overall).toBe('stale');
    expect(view.items.find((i) => i.id === 'dns:dkim:relay1')?.countdownMs).toBe(71 * HOUR);

    const third = await run(second.state, second.history, T0 + 73 * HOUR);
    expect(stateOf(third.state, 'dns:dkim:relay1')).toMatchObject({ state: 'failed', reason: 'deadline-expired' });

    dns.server().setZones(healthy);
    const fourth = await run(third.state, third.history, T0 + 74 * HOUR);
    expect(stateOf(fourth.state, 'dns:dkim:relay1')?.state).toBe('verified');
    expect(fourth.history.runs).toHaveLength(4);
  });

  it('a selector not published yet is pending with a 72-hour countdown, then failed', async () => {
    dns.server().setZones(healthy);
    const first = await run(initialStatus({ addressId: 'a', domain: ACME }), emptyHistory('a'), T0, ['zendesk9']);
    const item = stateOf(first.state, 'dns:dkim:zendesk9');
    expect(item).toMatchObject({ state: 'pending', deadlineAt: new Date(T0 + 72 * HOUR).toISOString() });
    expect(item?.state === 'pending' && item.explanation).toMatch(/^Not published yet/u);
    expect(statusView(first.state, new Date(T0 + 24 * HOUR)).items.find((i) => i.id === 'dns:dkim:zendesk9')?.countdownMs).toBe(48 * HOUR);
    const later = await run(first.state, first.history, T0 + 72 * HOUR, ['zendesk9']);
    expect(stateOf(later.state, 'dns:dkim:zendesk9')).toMatchObject({ state: 'failed', reason: 'deadline-expired' });
  });

  it('no relay selector: the DKIM item is undecided and names the field to fill in; with the selector it verifies', async () => {
    dns.server().setZones(healthy);
    const first = await run(initialStatus({ addressId: 'a', domain: ACME }), emptyHistory('a'), T0, []);
    const asking = first.state.items.find((i) => i.id === 'dns:dkim:*');
    expect(asking?.status.state).toBe('unverified');
    expect(asking?.lastError).toMatchObject({ needsInput: { field: 'relaySelectors', label: 'DKIM selector your mail server signs with' } });
    expect(asking?.lastError?.message).toMatch(/^Enter the DKIM selector your mail server signs with/u);
    expect(first.run.observations.find((o) => o.itemId === 'dns:dkim:*')).toMatchObject({ outcome: 'error', needsInput: { field: 'relaySelectors' } });
    // A record that merely could not be read is an error too, but asks for nothing.
    expect(first.state.items.filter((i) => i.id !== 'dns:dkim:*' && i.lastError?.needsInput !== undefined)).toEqual([]);
    const second = await run(first.state, first.history, T0 + HOUR, ['relay1']);
    expect(stateOf(second.state, 'dns:dkim:relay1')?.state).toBe('verified');
    // The question is answered: the item that asked leaves the status (it is not in the new report at all).
    expect(untrackedDnsItems(await checklist(T0 + HOUR, ['relay1']))).toContain('dns:dkim:*');
    expect(untrackedDnsItems(await checklist(T0 + HOUR, []))).not.toContain('dns:dkim:*');
  });

  it('a run of the checklist keeps what the route does not need, with why, for the status and report to name', async () => {
    dns.server().setZones(healthy);
    // Zendesk through the relay, which signs with relay1: Zendesk's key that is not published (zendesk2) is not needed.
    const input = checklistInputSchema.parse({ domain: ACME, platform: 'zendesk', relaySelectors: ['relay1'], sendingIp: '127.0.0.2', only: ['spf', 'dkim', 'dmarc'] });
    const report = await runChecklist(input, { platforms, resolver: dns.resolver({ timeoutMs: 3_000, retries: 1 }), clock: () => new Date(T0) });
    if (!report.ok) throw new Error(report.error.message);
    const notNeeded = notNeededItems(report.value);
    expect(notNeeded.map((n) => n.itemId)).toEqual(['dns:dkim:zendesk2']);
    expect(notNeeded[0]?.why).toMatch(/relay1/u);
    const recorded = recordRun(initialStatus({ addressId: 'a', domain: ACME }), emptyHistory('a'), {
      id: 'r1',
      trigger: 'manual',
      startedAt: new Date(T0).toISOString(),
      finishedAt: report.value.finishedAt,
      observations: checklistObservations(report.value),
      retire: untrackedDnsItems(report.value),
      notNeeded,
    });
    expect(recorded.run.notNeeded).toEqual(notNeeded);
    expect(recorded.state.items.map((i) => i.id)).not.toContain('dns:dkim:zendesk2');
    expect(latestNotNeeded([{}, ...recorded.history.runs])).toEqual(notNeeded);
    expect(latestNotNeeded([{}])).toBeNull();
  });
});

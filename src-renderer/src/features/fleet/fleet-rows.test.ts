import { describe, expect, it } from 'vitest';
import type { FleetRun } from '../../../../src-preload/contract/fleet-schemas';
import { countByState, filterRows, fleetReducer, idleProgress, serverSummary, sortRows, type FleetRow } from './fleet-rows';

const row = (over: Partial<FleetRow>): FleetRow => ({
  id: 'a',
  address: 'a@acme.test',
  state: 'verified',
  platform: 'zendesk',
  environment: 'production',
  domain: 'acme.test',
  server: 'smtp.office365.com:587',
  lastCheckAt: null,
  credentialAgeDays: null,
  blockers: [],
  throttled: false,
  ...over,
});

const rows = [
  row({ id: '1', address: 'c@acme.test', state: 'verified' }),
  row({ id: '2', address: 'a@acme.test', state: 'failed' }),
  row({ id: '3', address: 'b@other.test', domain: 'other.test', state: 'pending', server: 'smtp.gmail.com:587' }),
];

describe('fleet rows', () => {
  it('sorting by state puts failed addresses first, and the other way round', () => {
    expect(sortRows(rows, 'state', 'ascending').map((r) => r.id)).toEqual(['2', '3', '1']);
    expect(sortRows(rows, 'state', 'descending').map((r) => r.id)).toEqual(['1', '3', '2']);
    expect(sortRows(rows, 'address', 'ascending').map((r) => r.address)).toEqual(['a@acme.test', 'b@other.test', 'c@acme.test']);
  });

  it('filters by text over address, domain and server, and by state', () => {
    expect(filterRows(rows, { text: 'gmail', state: '' }).map((r) => r.id)).toEqual(['3']);
    expect(filterRows(rows, { text: '', state: 'failed' }).map((r) => r.id)).toEqual(['2']);
    expect(filterRows(rows, { text: 'acme', state: 'verified' }).map((r) => r.id)).toEqual(['1']);
  });

  it('counts by state and summarises each server with how many fail', () => {
    expect(countByState(rows)).toEqual([
      { state: 'failed', count: 1 },
      { state: 'pending', count: 1 },
      { state: 'verified', count: 1 },
    ]);
    expect(serverSummary(rows)).toEqual([
      { server: 'smtp.office365.com:587', addresses: 2, failing: 1 },
      { server: 'smtp.gmail.com:587', addresses: 1, failing: 0 },
    ]);
  });

  it('progress follows its own run only, and a finished run names the throttled addresses', () => {
    let s = fleetReducer(idleProgress, { type: 'start', operationId: 'op1', total: 3 });
    s = fleetReducer(s, { type: 'event', operationId: 'old', event: { type: 'started', total: 99, hosts: [] } });
    expect(s.total).toBe(3);
    s = fleetReducer(s, { type: 'event', operationId: 'op1', event: { type: 'throttled', addressId: '2', host: 'h:587', pausedMs: 1000, reply: '421' } });
    expect(s.throttled).toEqual(['2']);
    const report = { addresses: [{ id: '2', throttled: true }, { id: '1', throttled: false }], run: {} } as unknown as FleetRun;
    s = fleetReducer(s, { type: 'finished', operationId: 'op1', report });
    expect(s).toMatchObject({ running: false, done: 2, throttled: ['2'] });
  });
});

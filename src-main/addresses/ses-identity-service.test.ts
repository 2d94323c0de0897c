/**
 * The SES identity service on a temporary settings folder: create, edit, remove and the
 * recorded verification state through the real dispatcher; the settings file's move to
 * format 3; an old zuora-ses SMTP address that still loads but can no longer be created;
 * import of identities row by row; and the DNS readiness of a domain identity against a
 * real DNS server on 127.0.0.1.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChannelInput, ChannelName, ChannelResult } from '../../src-preload/contract';
import { createResolver } from '../dns/resolver';
import { serverAddress } from '../dns/servers';
import { silentLogger } from '../log/logger';
import { createServices } from '../services';
import { testAddressFields } from '../testing/address-fields';
import { useTestDns } from '../testing/dns-fixture';
import { rr } from '../testing/dns-zone';
import { openStore } from '../store/store';
import { dnsReadiness } from './ses-identity-service';

const T1 = 'aaaaaaaabbbbbbbbccccccccdddddddd';
const T2 = 'eeeeeeeeffffffffgggggggghhhhhhhh';
const T3 = 'iiiiiiiijjjjjjjjkkkkkkkkllllllll';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'relayproof-ses-'));
  dirs.push(dir);
  return dir;
}

function services(dir = freshDir()) {
  const made = createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger });
  const dispatcher = made.createDispatcher();
  const call = async <C extends ChannelName>(channel: C, input: ChannelInput<C>) => (await dispatcher.dispatch(channel, input)) as ChannelResult<C>;
  return { dir, made, call };
}

function value<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(`expected ok, got: ${result.error.message}`);
  return result.value;
}

describe('SES identities through the dispatcher', () => {
  it('creates a domain identity (the domain of an address given), lists it, saves its tokens, records Zuora\u2019s states and removes it; the settings file holds no secret', async () => {
    const { dir, call } = services();
    const created = value(await call('ses-identities:create', { fields: { kind: 'domain', value: 'Billing@YourCompany.com', environment: 'production', eligibilityConfirmed: true } }));
    expect(created).toMatchObject({ kind: 'domain', value: 'yourcompany.com', dkimTokens: [], verification: { state: 'pending', checkedAt: null, linkSentAt: null } });
    expect(value(await call('ses-identities:list', {})).map((i) => i.id)).toEqual([created.id]);

    const tokens = value(await call('ses-identities:update', { id: created.id, patch: { dkimTokens: [`${T1}._domainkey`, T2.toUpperCase(), `${T3}.dkim.amazonses.com`] } }));
    expect(tokens.dkimTokens).toEqual([T1, T2, T3]);

    const success = value(await call('ses-identities:record-verification', { id: created.id, state: 'success' }));
    expect(success.verification.state).toBe('success');
    expect(success.verification.checkedAt).not.toBeNull();
    const again = value(await call('ses-identities:record-verification', { id: created.id, state: 'success' }));
    expect(again.verification.since).toBe(success.verification.since);

    const file = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { schemaVersion: number; sesIdentities: unknown[] };
    expect(file.schemaVersion).toBe(3);
    expect(file.sesIdentities).toHaveLength(1);
    expect(JSON.stringify(file)).not.toMatch(/password|secret/iu);

    expect(value(await call('ses-identities:delete', { id: created.id }))).toEqual({ deleted: true });
    expect(value(await call('ses-identities:list', {}))).toEqual([]);
  });

  it('refuses a fourth email identity in production and API Sandbox, and a domain identity beside an email identity of the same domain, in Zuora\u2019s words', async () => {
    const { call } = services();
    for (const [value, environment] of [['a@x.com', 'production'], ['b@x.com', 'sandbox'], ['c@x.com', 'production']] as const) {
      expect((await call('ses-identities:create', { fields: { kind: 'email', value, environment, eligibilityConfirmed: true } })).ok).toBe(true);
    }
    const fourth = await call('ses-identities:create', { fields: { kind: 'email', value: 'd@x.com', environment: 'sandbox', eligibilityConfirmed: true } });
    expect(fourth.ok).toBe(false);
    if (!fourth.ok) {
      expect(fourth.error.code).toBe('conflict');
      expect(fourth.error.message).toContain('You can create up to three email identities for your Zuora tenant.');
    }
    const developer = await call('ses-identities:create', { fields: { kind: 'email', value: 'd@x.com', environment: 'developer-sandbox', eligibilityConfirmed: true } });
    expect(developer.ok).toBe(true);
    const mix = await call('ses-identities:create', { fields: { kind: 'domain', value: 'x.com', environment: 'production', eligibilityConfirmed: true } });
    expect(!mix.ok && mix.error.message).toContain('You cannot create a domain identity and an email identity with the same domain.');
  });

  it('refuses an identity without the eligibility confirmation, saying why Zuora would refuse it', async () => {
    const { call } = services();
    const refused = await call('ses-identities:create', { fields: { kind: 'domain', value: 'yourcompany.com', environment: 'production', eligibilityConfirmed: false } });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('invalid-input');
      expect(refused.error.message).toContain('active Zuora user');
    }
    expect(value(await call('ses-identities:list', {}))).toEqual([]);
  });

  it('an edit that moves an identity into a full tenant is refused and leaves it as it was', async () => {
    const { call } = services();
    value(await call('ses-identities:create', { fields: { kind: 'domain', value: 'a.com', environment: 'production', eligibilityConfirmed: true } }));
    const other = value(await call('ses-identities:create', { fields: { kind: 'domain', value: 'b.com', environment: 'developer-sandbox', eligibilityConfirmed: true } }));
    const moved = await call('ses-identities:update', { id: other.id, patch: { environment: 'sandbox' } });
    expect(!moved.ok && moved.error.message).toContain('You can create at most one domain identity for your Zuora tenant.');
    expect(value(await call('ses-identities:list', {})).find((i) => i.id === other.id)?.environment).toBe('developer-sandbox');
  });

  it('a zuora-ses address with SMTP credentials is refused, pointing to the identities; a Developer Sandbox is refused for Zendesk', async () => {
    const { call } = services();
    const ses = await call('addresses:create', { fields: testAddressFields({ platform: 'zuora-ses', address: 'billing@yourcompany.com' }) });
    expect(ses.ok).toBe(false);
    if (!ses.ok) expect(ses.error.message).toContain("Zuora's advanced SMTP has no password: Zuora sends from its own Amazon SES account");
    const zendesk = await call('addresses:create', { fields: testAddressFields({ platform: 'zendesk', environment: 'developer-sandbox' }) });
    expect(!zendesk.ok && zendesk.error.message).toContain('Zendesk has no Developer Sandbox environment');
    const zuora = await call('addresses:create', { fields: testAddressFields({ platform: 'zuora', environment: 'central-sandbox' }) });
    expect(zuora.ok).toBe(true);
  });
});

describe('the settings file', () => {
  it('a format-2 file with a zuora-ses SMTP address moves to format 3: the address still loads, the identities start empty', () => {
    const dir = freshDir();
    const address = { ...testAddressFields({ platform: 'zuora-ses', address: 'billing@yourcompany.com' }), id: 'a-legacy', createdAt: '2026-11-01T00:00:00.000Z', updatedAt: '2026-11-01T00:00:00.000Z', secretChangedAt: null };
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ schemaVersion: 2, settings: {}, addresses: [address], notices: [] }));
    const store = openStore({ directory: dir });
    expect(store.listAddresses().map((a) => a.id)).toEqual(['a-legacy']);
    expect(store.listSesIdentities()).toEqual([]);
    expect(store.notices()).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toMatchObject({ schemaVersion: 3, sesIdentities: [] });
  });
});

describe('a damaged settings file', () => {
  it('keeps every SES identity that validates and names the one left out', () => {
    const dir = freshDir();
    const good = {
      id: 'i-good',
      kind: 'domain',
      value: 'yourcompany.com',
      environment: 'production',
      dkimTokens: [],
      eligibilityConfirmed: true,
      verification: { state: 'pending', since: '2026-12-01T00:00:00.000Z', checkedAt: null, linkSentAt: null },
      createdAt: '2026-12-01T00:00:00.000Z',
    };
    const bad = { ...good, id: 'i-bad', environment: 'staging' };
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ schemaVersion: 3, settings: {}, addresses: [], notices: [], sesIdentities: [good, bad] }));
    const store = openStore({ directory: dir });
    expect(store.listSesIdentities().map((i) => i.id)).toEqual(['i-good']);
    const [notice] = store.notices();
    expect(notice?.kind).toBe('invalid-content');
    expect(notice?.message).toContain('SES identity 2');
  });
});

describe('export and import of identities', () => {
  it('an export carries the identities; an import takes three email identities and refuses the fourth with its row named', async () => {
    const source = services();
    for (const v of ['a@x.com', 'b@x.com', 'c@x.com']) value(await source.call('ses-identities:create', { fields: { kind: 'email', value: v, environment: 'production', eligibilityConfirmed: true } }));
    value(await source.call('ses-identities:record-verification', { id: value(await source.call('ses-identities:list', {}))[0]?.id ?? '', state: 'success' }));
    const exported = value(await source.call('addresses:export', {}));
    expect(exported.sesIdentities?.map((r) => r.value)).toEqual(['a@x.com', 'b@x.com', 'c@x.com']);
    expect(exported.sesIdentities?.[0]?.verification?.state).toBe('success');

    const target = services();
    const document = { ...exported, sesIdentities: [...(exported.sesIdentities ?? []), { kind: 'email', value: 'd@x.com', environment: 'sandbox', dkimTokens: [], eligibilityConfirmed: true }] };
    const result = value(await target.call('addresses:import', { document }));
    expect(result.importedIdentities.map((i) => i.value)).toEqual(['a@x.com', 'b@x.com', 'c@x.com']);
    expect(result.importedIdentities[0]?.verification.state).toBe('success');
    expect(result.rejectedIdentities).toHaveLength(1);
    expect(result.rejectedIdentities[0]).toMatchObject({ row: 4, identity: 'd@x.com' });
    expect(result.rejectedIdentities[0]?.reason).toContain('You can create up to three email identities for your Zuora tenant.');
  });

  it('an import refuses a second domain identity, an identity row with a secret, and one without eligibility, each by row', async () => {
    const target = services();
    const rows = [
      { kind: 'domain', value: 'a.com', environment: 'production', dkimTokens: [], eligibilityConfirmed: true },
      { kind: 'domain', value: 'b.com', environment: 'sandbox', dkimTokens: [], eligibilityConfirmed: true },
      { kind: 'email', value: 'x@c.com', environment: 'production', dkimTokens: [], eligibilityConfirmed: true, password: 'hunter2' },
      { kind: 'email', value: 'y@c.com', environment: 'production', dkimTokens: [], eligibilityConfirmed: false },
    ];
    const result = value(await target.call('addresses:import', { document: { format: 'relayproof-addresses', version: 1, exportedAt: '2026-12-06T00:00:00.000Z', addresses: [], sesIdentities: rows } }));
    expect(result.importedIdentities.map((i) => i.value)).toEqual(['a.com']);
    expect(result.rejectedIdentities.map((r) => r.row)).toEqual([2, 3, 4]);
    expect(result.rejectedIdentities[0]?.reason).toContain('at most one domain identity');
    expect(result.rejectedIdentities[1]?.reason).toContain('never imports secrets');
    expect(result.rejectedIdentities[2]?.reason).toContain('active Zuora user');
  });
});

describe('DNS readiness of a domain identity (what Amazon SES checks)', () => {
  const dns = useTestDns([
    {
      origin: 'ready.test',
      records: [rr.cname(`${T1}._domainkey.ready.test`, `${T1}.dkim.amazonses.com`), rr.cname(`${T2}._domainkey.ready.test`, `${T2}.dkim.amazonses.com`), rr.cname(`${T3}._domainkey.ready.test`, `${T3}.dkim.amazonses.com`)],
    },
    {
      origin: 'partial.test',
      records: [
        rr.cname(`${T1}._domainkey.partial.test`, `${T1}.dkim.amazonses.com`),
        rr.cname(`${T2}._domainkey.partial.test`, 'elsewhere.example.net'),
        // The DNS host appended the domain a second time.
        rr.cname(`${T3}._domainkey.partial.test.partial.test`, `${T3}.dkim.amazonses.com`),
      ],
    },
  ]);
  const resolver = () => createResolver({ servers: [serverAddress('127.0.0.1', dns.server().port)], kind: 'explicit', timeoutMs: 500, retries: 0 });
  const identity = (domain: string) => ({ id: 'i-test', kind: 'domain' as const, value: domain, dkimTokens: [T1, T2, T3] });

  it('all three CNAMEs resolving to their targets: ready', async () => {
    const result = await dnsReadiness(identity('ready.test'), resolver());
    expect(result.ready).toBe(true);
    expect(result.records.map((r) => r.ok)).toEqual([true, true, true]);
  });

  it('a wrong target and a doubled name: not ready, each record says what to change', async () => {
    const result = await dnsReadiness(identity('partial.test'), resolver());
    expect(result.ready).toBe(false);
    expect(result.records.map((r) => r.ok)).toEqual([true, false, false]);
    expect(result.records[1]?.problem).toContain('points to elsewhere.example.net');
    expect(result.records[2]?.problem).toContain('added the domain a second time');
  });

  it('through the channel with the test server as the DNS server; an email identity is not looked up', async () => {
    const { call } = services();
    const domain = value(await call('ses-identities:create', { fields: { kind: 'domain', value: 'ready.test', environment: 'production', dkimTokens: [T1, T2, T3], eligibilityConfirmed: true } }));
    const ready = value(await call('ses-identities:check-dns', { id: domain.id, dnsServers: [`127.0.0.1:${dns.server().port}`] }));
    expect(ready.ready).toBe(true);
    const email = value(await call('ses-identities:create', { fields: { kind: 'email', value: 'billing@other.test', environment: 'production', eligibilityConfirmed: true } }));
    const notChecked = value(await call('ses-identities:check-dns', { id: email.id, dnsServers: [`127.0.0.1:${dns.server().port}`] }));
    expect(notChecked.ready).toBe(false);
    expect(notChecked.notChecked).toContain('verifies it by the link');
  });
});

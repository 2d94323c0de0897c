/**
 * Keychain entries without an address: found by account (every purpose of an address),
 * never the unlock marker; deleted only when still orphaned; and not deleted while a
 * damaged settings file that may own them waits to be restored (unless forced).
 * An in-memory keychain behind the real vault: the real keychain is shared by the test
 * files running at once, and deleting "orphans" there would delete theirs
 * (cli/data-folder.test.ts does it for real, in a private keyring).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUpOrphans, runDoctor } from '../cli/doctor';
import { silentLogger } from '../log/logger';
import { createServices } from '../services';
import { testAddressFields } from '../testing/address-fields';
import { memoryKeychain } from '../testing/transport-support';
import { parseAccount } from './orphans';
import { KEYCHAIN_SERVICE, UNLOCK_CHECK_ACCOUNT } from './vault';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const fields = testAddressFields({ address: 'kept@example.test', username: 'kept@example.test' });

async function servicesWithSecrets(configJson?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'relayproof-orphans-'));
  dirs.push(dir);
  if (configJson !== undefined) writeFileSync(join(dir, 'config.json'), configJson);
  const keychain = memoryKeychain();
  const services = createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger, keychain: async () => keychain });
  const kept = services.store.createAddress(fields);
  // The vault's unlock marker is in place first, as after any earlier run. Then straight into the
  // keychain: the vault stores only by purpose, and one of these is a purpose this version does not know.
  await services.vault.state();
  for (const account of [kept.id, `${kept.id}--imap`, 'a-gone', 'a-gone--oauth-client', 'a-gone--imap-forwarding', 'a-other--future-thing']) {
    await keychain.setPassword(KEYCHAIN_SERVICE, account, `secret of ${account}`);
  }
  const accounts = () => [...keychain.entries.keys()].map((k) => k.split('\u0000')[1]).sort();
  return { services, kept, accounts };
}

describe('keychain entries without an address', () => {
  it('an account names its address and purpose', () => {
    expect(parseAccount('a-x1')).toEqual({ addressId: 'a-x1', purpose: 'smtp' });
    expect(parseAccount('a-x1--imap-forwarding')).toEqual({ addressId: 'a-x1', purpose: 'imap-forwarding' });
    expect(parseAccount('a-x1--later')).toEqual({ addressId: 'a-x1', purpose: 'unknown' });
  });

  it("doctor lists the entries of addresses that are gone (not the unlock marker, not a kept address's), and the cleanup deletes exactly those", async () => {
    const { services, kept, accounts } = await servicesWithSecrets();
    const check = (await runDoctor(services, {})).find((c) => c.id === 'keychain-orphans');
    expect(check).toMatchObject({ status: 'warn', fix: expect.stringContaining('relayproof doctor --remove-orphans') });
    expect((check?.detail['orphans'] as Array<{ account: string }>).map((o) => o.account)).toEqual(['a-gone', 'a-gone--imap-forwarding', 'a-gone--oauth-client', 'a-other--future-thing']);
    expect(check?.summary).toContain('4 keychain entries belong to no address');

    expect(await cleanUpOrphans(services, { force: false })).toEqual({ done: true, removed: ['a-gone', 'a-gone--imap-forwarding', 'a-gone--oauth-client', 'a-other--future-thing'], kept: [] });
    expect(accounts()).toEqual([UNLOCK_CHECK_ACCOUNT, kept.id, `${kept.id}--imap`].sort());
    expect((await runDoctor(services, {})).find((c) => c.id === 'keychain-orphans')?.status).toBe('pass');
  });

  it('while a damaged settings file waits in its backup, its addresses may own the entries: nothing is deleted unless forced', async () => {
    const { services, accounts } = await servicesWithSecrets('{"schemaVersion": 2, "addresses": [{"id": "a-gone"');
    const backup = services.store.notices()[0]?.backupPath ?? '';
    expect(backup).toMatch(/config\.corrupt-/u);
    const before = accounts();

    const refused = await cleanUpOrphans(services, { force: false });
    expect(refused).toEqual({ done: false, reason: expect.stringContaining(`a damaged settings file was moved aside (${backup})`) });
    expect(accounts()).toEqual(before);
    expect((await runDoctor(services, {})).find((c) => c.id === 'keychain-orphans')?.fix).toContain('--remove-orphans --force');

    const forced = await cleanUpOrphans(services, { force: true });
    expect(forced.done && forced.removed).toEqual(['a-gone', 'a-gone--imap-forwarding', 'a-gone--oauth-client', 'a-other--future-thing']);
  });
});

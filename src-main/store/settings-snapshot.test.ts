import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testAddressFields } from '../testing/address-fields';
import { readSettingsSnapshot } from './settings-snapshot';
import { CONFIG_NAME, CURRENT_SCHEMA_VERSION, openStore } from './store';

const root = mkdtempSync(join(tmpdir(), 'relayproof-snapshot-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A data folder whose config.json the store wrote (an EHLO name and one address), and its path. */
function written(): { directory: string; path: string; addressId: string } {
  const directory = join(root, `d${(n += 1)}`);
  const store = openStore({ directory });
  store.updateSettings({ ehloName: 'relay.example.org' });
  const address = store.createAddress(testAddressFields());
  return { directory, path: join(directory, `${CONFIG_NAME}.json`), addressId: address.id };
}

describe('settings read without opening the store', () => {
  it('a file the store wrote is read as it is: settings, addresses and notices', () => {
    const { directory, addressId } = written();
    const snapshot = readSettingsSnapshot(directory);
    expect(snapshot?.settings().ehloName).toBe('relay.example.org');
    expect(snapshot?.getAddress(addressId)?.id).toBe(addressId);
    expect(snapshot?.notices()).toEqual([]);
  });

  it('leaves to the store (which writes, moves aside and reports) every file that needs more than a read', () => {
    const missing = join(root, 'missing');
    expect(readSettingsSnapshot(missing)).toBeNull();

    const corrupt = written();
    writeFileSync(corrupt.path, '{"schemaVersion": 3, ');
    expect(readSettingsSnapshot(corrupt.directory)).toBeNull();

    // Valid JSON that breaks the schema: never used.
    const invalid = written();
    const document = JSON.parse(readFileSync(invalid.path, 'utf8')) as { settings: Record<string, unknown> };
    writeFileSync(invalid.path, JSON.stringify({ ...document, settings: { ...document.settings, smtpTimeoutSeconds: 'soon' } }, null, '\t'));
    expect(readSettingsSnapshot(invalid.directory)).toBeNull();

    // From an older version: the store upgrades it at open.
    const older = written();
    writeFileSync(older.path, readFileSync(older.path, 'utf8').replace(/"schemaVersion": \d+/u, `"schemaVersion": ${CURRENT_SCHEMA_VERSION - 1}`));
    expect(readSettingsSnapshot(older.directory)).toBeNull();

    // From a future version: this build cannot read it.
    const future = written();
    writeFileSync(future.path, readFileSync(future.path, 'utf8').replace(/"schemaVersion": \d+/u, '"schemaVersion": 999'));
    expect(readSettingsSnapshot(future.directory)).toBeNull();
  });

  it('never follows a link, even to a valid settings file', () => {
    const real = written();
    const linked = join(root, 'linked');
    mkdirSync(linked);
    symlinkSync(real.path, join(linked, `${CONFIG_NAME}.json`));
    expect(readSettingsSnapshot(linked)).toBeNull();
  });

  it('never reads a file over the size limit', () => {
    const big = written();
    const text = readFileSync(big.path, 'utf8');
    writeFileSync(big.path, text.replace(/\}\s*$/u, `, "padding": "${'x'.repeat(33 * 1024 * 1024)}" }`));
    expect(readSettingsSnapshot(big.directory)).toBeNull();
  });
});

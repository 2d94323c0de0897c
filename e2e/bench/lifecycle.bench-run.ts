/**
 * Address lifecycle benchmarks (alone: `npm run bench -- e2e/bench/lifecycle.bench-run.ts`).
 * Through the real dispatcher (createServices on a temporary data folder, platform
 * `generic`: no per-domain limits), ratios measured in one run, printed, never asserted:
 *   (a) 1,000 non-secret addresses imported with one `addresses:import` call vs the same
 *       1,000 created one by one with `addresses:create` (sequential ÷ import; the
 *       settings-file writes of each path are counted and printed too);
 *   (b) `addresses:list` with 1,000 addresses vs with 10 (the keychain part is the real
 *       path: one lookup per address, a few at a time, or a quick refusal where no keychain is reachable;
 *       run under `dbus-run-session` with an unlocked gnome-keyring, as the tests do, to
 *       measure the former).
 * The dispatcher validates inputs as always and outputs as a packaged app does (not at all).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { AddressFields } from '../../src-preload/contract/addresses-schemas';
import { ADDRESS_EXPORT_FORMAT, type ImportResult } from '../../src-preload/contract/addresses';
import { silentLogger } from '../../src-main/log/logger';
import { createServices, type Services } from '../../src-main/services';
import { CONFIG_NAME } from '../../src-main/store/store';

const COUNT = 1_000;
const SMALL = 10;
/** Each timed run is already 1,000 operations (about a minute on 2 cores), so one run per path. */
const ROUNDS = 1;
const LIST_ROUNDS = 21;

const dirs: string[] = [];
/** Services holding the 1,000 imported addresses, reused by the list benchmark. */
let imported1000: Services | undefined;
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Fresh services on a new data folder; counts the writes of the settings file. */
function freshServices(): { services: Services; settingsWrites: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'relayproof-bench-lifecycle-'));
  dirs.push(dir);
  let writes = 0;
  const settingsFile = join(dir, `${CONFIG_NAME}.json`);
  // No keychain option: the real one (keytar), as the app uses it. No secret is stored here.
  const services = createServices({ dataDirectory: dir, mode: 'cli', logger: silentLogger, onDocumentWrite: (path) => (writes += path === settingsFile ? 1 : 0), validateOutput: false });
  return { services, settingsWrites: () => writes };
}

function fieldsOf(count: number): Array<Partial<AddressFields>> {
  return Array.from({ length: count }, (_, i) => ({
    address: `agent${i}@team${i % 50}.bench.example`,
    platform: 'generic',
    environment: i % 2 === 0 ? 'production' : 'sandbox',
    provider: 'custom',
    host: 'smtp.bench.example',
    port: 587,
    security: 'starttls',
    username: `agent${i}@team${i % 50}.bench.example`,
    authKind: 'password',
  }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function importAll(services: Services, count: number): Promise<void> {
  const document = { format: ADDRESS_EXPORT_FORMAT, version: 1, exportedAt: new Date().toISOString(), addresses: fieldsOf(count) };
  const result = await services.createDispatcher().dispatch('addresses:import', { document });
  if (!result.ok) throw new Error(`import refused: ${result.error.message}`);
  const { imported, rejected } = result.value as ImportResult;
  expect(rejected).toEqual([]);
  expect(imported).toHaveLength(count);
}

async function createOneByOne(services: Services, count: number): Promise<void> {
  const dispatcher = services.createDispatcher();
  for (const fields of fieldsOf(count)) {
    const result = await dispatcher.dispatch('addresses:create', { fields });
    if (!result.ok) throw new Error(`create refused: ${result.error.message}`);
  }
}

it(`addresses: import ${COUNT} in one call vs ${COUNT} addresses:create calls`, async () => {
  // Warm-up: module loading, platform data, zod schemas.
  await importAll(freshServices().services, SMALL);
  await createOneByOne(freshServices().services, SMALL);

  const imports: number[] = [];
  const creates: number[] = [];
  let importWrites = 0;
  let createWrites = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const a = freshServices();
    imports.push(await timed(() => importAll(a.services, COUNT)));
    importWrites = a.settingsWrites();
    expect(a.services.store.listAddresses()).toHaveLength(COUNT);
    imported1000 = a.services;

    const b = freshServices();
    creates.push(await timed(() => createOneByOne(b.services, COUNT)));
    createWrites = b.settingsWrites();
    expect(b.services.store.listAddresses()).toHaveLength(COUNT);
  }
  const ratio = median(creates) / median(imports);
  console.log(
    `bench addresses.import sequential/import: ${ratio.toFixed(2)}x (target >= 10x: one validated write instead of ${COUNT}) — import ${median(imports).toFixed(0)} ms (${importWrites} settings-file writes), ${COUNT} creates ${median(creates).toFixed(0)} ms (${createWrites} writes), ${ROUNDS === 1 ? 'one run each' : `median of ${ROUNDS}`}`,
  );
});

it(`addresses:list with ${COUNT} addresses vs ${SMALL}`, async () => {
  const small = freshServices().services;
  await importAll(small, SMALL);
  let large = imported1000;
  if (large === undefined) {
    large = freshServices().services;
    await importAll(large, COUNT);
  }
  const keychain = await large.vault.state();
  const list = (services: Services, count: number) => async () => {
    const result = await services.createDispatcher().dispatch('addresses:list', {});
    if (!result.ok) throw new Error(`list refused: ${result.error.message}`);
    expect(result.value).toHaveLength(count);
  };
  await list(small, SMALL)();
  await list(large, COUNT)();
  const smallMs: number[] = [];
  const largeMs: number[] = [];
  for (let round = 0; round < LIST_ROUNDS; round += 1) {
    smallMs.push(await timed(list(small, SMALL)));
    largeMs.push(await timed(list(large, COUNT)));
  }
  const ratio = median(largeMs) / median(smallMs);
  const keychainPath = keychain.status === 'available' ? 'one lookup per address on the OS keychain, 2 at a time' : `keychain ${keychain.status}: refused before any lookup, secret state shown as unknown`;
  console.log(
    `bench addresses.list ${COUNT}/${SMALL} addresses: ${ratio.toFixed(2)}x for ${COUNT / SMALL}x the addresses (target <= ${COUNT / SMALL}x: linear or better) — ${SMALL}: ${median(smallMs).toFixed(2)} ms, ${COUNT}: ${median(largeMs).toFixed(2)} ms, median of ${LIST_ROUNDS}; ${keychainPath}`,
  );
});

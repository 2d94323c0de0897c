/**
 * Secrets never leave the keychain: a seeded random sequence of create / set / replace
 * / delete operations through the real browser-mode bridge and the real OS keychain,
 * then every secret string is looked for in every HTTP response, the settings file and
 * the logs — and the keychain itself is read with `secret-tool` to prove each stored
 * secret really is there.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from './bridge/server';
import { createLogger } from './log/logger';
import { createServices, type Services } from './services';

const secretToolWorks = spawnSync('sh', ['-c', 'command -v secret-tool'], { stdio: 'ignore' }).status === 0;

function lookup(account: string): string | null {
  const result = spawnSync('secret-tool', ['lookup', 'service', 'relayproof', 'account', account], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout : null;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let dataDir: string;
let services: Services;
let bridge: Bridge;
let keychainReason: string | null = null;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'relayproof-hygiene-'));
  const rendererDir = join(dataDir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
  services = createServices({ dataDirectory: join(dataDir, 'data'), mode: 'browser', logger: createLogger({ file: join(dataDir, 'data', 'logs', 'relayproof.log'), minLevel: 'debug' }) });
  const state = await services.vault.state();
  if (state.status !== 'available') keychainReason = `OS keychain not available here (${state.status}: ${state.message}); run under npm test, which starts a private keyring`;
  else if (!secretToolWorks) keychainReason = 'secret-tool is not installed (apt-get install libsecret-tools)';
  if (keychainReason !== null) console.warn(`secret hygiene test skipped: ${keychainReason}`);
  bridge = await startBridge({ services, rendererDir, logger: services.logger, port: 0 });
});

afterAll(async () => {
  await bridge?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('secrets never leave the keychain', () => {
  it.skipIf(keychainReason !== null)('120 random operations through the bridge leak no secret and leave the keychain exact', async () => {
    const responses: string[] = [];
    async function call(channel: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> {
      const res = await fetch(`${bridge.origin}/rpc/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-relayproof-token': bridge.token },
        body: JSON.stringify(input),
      });
      const text = await res.text();
      responses.push(text);
      return JSON.parse(text) as { ok: boolean; value?: unknown; error?: { code: string } };
    }

    const random = seeded(20261123);
    const expected = new Map<string, string | null>(); // address id → secret in keychain
    const everySecret = new Set<string>();
    const newSecret = () => {
      const secret = `pw-${Math.floor(random() * 1e12).toString(36)}-Ä!$'"\`;${Math.floor(random() * 1e9)}`;
      everySecret.add(secret);
      return secret;
    };
    let created = 0;

    for (let step = 0; step < 120; step++) {
      const ids = [...expected.keys()];
      const pick = ids[Math.floor(random() * ids.length)];
      const roll = random();
      if (ids.length === 0 || roll < 0.3) {
        const withSecret = random() < 0.7;
        const secret = withSecret ? newSecret() : undefined;
        const result = await call('addresses:create', {
          fields: {
            address: `user${created++}@hygiene.example`,
            platform: 'zendesk',
            environment: random() < 0.5 ? 'sandbox' : 'production',
            provider: 'custom',
            host: 'smtp.hygiene.example',
            port: 587,
            security: 'starttls',
            username: `user${created}`,
            authKind: 'password',
          },
          ...(secret !== undefined ? { secret } : {}),
        });
        expect(result.ok).toBe(true);
        expected.set((result.value as { id: string }).id, secret ?? null);
      } else if (pick !== undefined && roll < 0.6) {
        const secret = newSecret();
        expect((await call('vault:set-secret', { addressId: pick, secret })).ok).toBe(true);
        expected.set(pick, secret);
      } else if (pick !== undefined && roll < 0.75) {
        expect((await call('vault:delete-secret', { addressId: pick })).ok).toBe(true);
        expected.set(pick, null);
      } else if (pick !== undefined && roll < 0.85) {
        expect((await call('addresses:delete', { id: pick })).ok).toBe(true);
        expected.delete(pick);
        expect(lookup(pick)).toBeNull();
      } else if (pick !== undefined) {
        const has = await call('vault:has-secret', { addressId: pick });
        expect((has.value as { stored: boolean }).stored).toBe(expected.get(pick) !== null);
      }
    }
    const listed = await call('addresses:list', {});
    expect((listed.value as unknown[]).length).toBe(expected.size);
    expect(everySecret.size).toBeGreaterThan(40);

    // The keychain holds exactly the current secret of each address.
    for (const [id, secret] of expected) expect(lookup(id)).toBe(secret);

    const haystacks = [...responses, ...filesUnder(join(dataDir, 'data')).map((f) => readFileSync(f, 'utf8'))];
    for (const secret of everySecret) {
      // Raw, JSON-escaped and base64 forms: a leak may be encoded on its way out.
      const forms = [secret, JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('base64')];
      for (const text of haystacks) for (const form of forms) expect(text.includes(form)).toBe(false);
    }

    for (const id of expected.keys()) await call('addresses:delete', { id });
    for (const id of expected.keys()) expect(lookup(id)).toBeNull();
    // Each step waits on the keychain and secret-tool; a loaded 2-core CI machine is slow.
  }, 180_000);
});

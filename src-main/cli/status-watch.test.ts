/**
 * `relayproof status --watch` in-process: the real command and services on a temporary
 * data directory, with a 50 ms first re-check (injected backoff), DNS from the test server
 * on 127.0.0.1 and SMTP to a closed port there, and stopped through `io.signal` as Ctrl+C would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger';
import { createServices } from '../services';
import { runCliCaptured } from '../testing/cli-run';
import { startTestDnsServer, type TestDnsServer } from '../testing/dns-test-server';
import { rr } from '../testing/dns-zone';

const dataDir = mkdtempSync(join(tmpdir(), 'relayproof-cli-watch-'));
let addressId = '';
let firstCheckAt = '';
let dns: TestDnsServer;
const BASE_RECORDS = [rr.mx('watch.example', 10, 'mx.watch.example'), rr.a('mx.watch.example', '127.0.0.1')];

beforeAll(async () => {
  const services = createServices({ dataDirectory: dataDir, mode: 'cli', logger: silentLogger, verification: { resolverOptions: { timeoutMs: 300, retries: 0 } } });
  const dispatcher = services.createDispatcher();
  // The domain exists but has no SPF or DMARC record yet: those items wait for DNS (pending).
  dns = await startTestDnsServer({ zones: [{ origin: 'watch.example', records: BASE_RECORDS }] });
  const dnsSet = await dispatcher.dispatch('settings:update', { patch: { dnsServers: [dns.address] } });
  if (!dnsSet.ok) throw new Error(dnsSet.error.message);
  const created = await dispatcher.dispatch('addresses:create', {
    fields: { address: 'support@watch.example', platform: 'generic', environment: 'production', provider: 'custom', host: '127.0.0.1', port: 9, security: 'starttls', username: 'support@watch.example', authKind: 'password' },
  });
  if (!created.ok) throw new Error(created.error.message);
  addressId = (created.value as { id: string }).id;
  // One check first: its DNS items are left pending (no answer), which is what the background re-checks pick up.
  const checked = await services.verification.recheck(addressId, 'manual', { signal: new AbortController().signal, emit: () => undefined });
  if (!checked.ok) throw new Error(checked.error.message);
  expect(checked.value.status.status.items.some((i) => i.status.state === 'pending' || i.status.state === 'stale')).toBe(true);
  firstCheckAt = checked.value.status.lastCheckAt ?? '';
});

afterAll(async () => {
  await dns.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Each printed status (one address: it starts with the address line). */
const prints = (out: string) => out.split(/^(?=a-\S+ {2}support@watch\.example )/mu).filter((p) => p !== '');
const SPF_PENDING = /^ {2}\[Pending *\] DNS: SPF record[ :]/mu;
const SPF_VERIFIED = /^ {2}\[Verified *\] DNS: SPF record[ :]/mu;
const lastCheck = (print: string | undefined) => /^ {2}last check (\S+);/mu.exec(print ?? '')?.[1];

describe('relayproof status --watch', () => {
  it('prints the status, prints it again when a background re-check changes it, and stops on the abort without leaving a timer or listener', async () => {
    const controller = new AbortController();
    const sigintListeners = process.listenerCount('SIGINT');
    // Give up (and let the assertions fail) if no change is printed in time.
    const guard = setTimeout(() => controller.abort(), 20_000);
    let published = false;
    const run = await runCliCaptured(['status', '--watch'], dataDir, undefined, {
      signal: controller.signal,
      verification: { schedulerBackoffMs: [50, 600_000], resolverOptions: { timeoutMs: 300, retries: 0 } },
      onStdout: (out) => {
        const seen = prints(out);
        if (!published && seen.length >= 1) {
          // The admin publishes the SPF record while the watch runs; the re-check 50 ms later sees it.
          published = true;
          dns.setZones([{ origin: 'watch.example', records: [...BASE_RECORDS, rr.txt('watch.example', 'v=spf1 ip4:127.0.0.1 -all')] }]);
        }
        if (seen.length >= 2 && SPF_VERIFIED.test(seen.at(-1) ?? '')) controller.abort();
      },
    });
    clearTimeout(guard);
    expect(controller.signal.aborted).toBe(true);
    expect(run.stderr).toBe('');

    const seen = prints(run.stdout);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    // The initial status: the check made before, SPF still pending.
    expect(seen[0]).toContain(`${addressId}  support@watch.example  generic/production`);
    expect(lastCheck(seen[0])).toBe(firstCheckAt);
    expect(seen[0]).toMatch(SPF_PENDING);
    // The change the background re-check found, printed without being asked.
    expect(seen.at(-1)).toMatch(SPF_VERIFIED);
    expect(Date.parse(lastCheck(seen.at(-1)) ?? '')).toBeGreaterThan(Date.parse(firstCheckAt));
    expect([0, 1]).toContain(run.code);

    // Stopped for good: the scheduler and refresh timer are gone, and the signal listeners with them.
    expect(process.listenerCount('SIGINT')).toBe(sigintListeners);
    const queries = dns.queries.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(dns.queries.length).toBe(queries);
  });

  it('an already aborted signal ends the watch after the first status', async () => {
    const run = await runCliCaptured(['status', '--watch'], dataDir, undefined, { signal: AbortSignal.abort(), verification: { schedulerBackoffMs: [600_000] } });
    expect(prints(run.stdout)).toHaveLength(1);
    expect([0, 1]).toContain(run.code);
  });
});

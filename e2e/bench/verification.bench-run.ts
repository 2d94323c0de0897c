/**
 * Verification benchmarks (alone: `npm run bench -- e2e/bench/verification.bench-run.ts`).
 * Ratios measured in one run, printed, never asserted:
 *   (a) proving a received, DKIM-signed message: Relayproof's verifyMessage vs bare
 *       mailauth `authenticate()` on the same message with the same loopback DNS
 *       (target <= 1.2x: the header, Received-chain and alignment work around it must be
 *       cheap next to the DNS and the RSA checks);
 *   (b) recording one run of an address with 500 runs (the history bound) while 19 other
 *       addresses hold 500 runs each vs when it is the only address (target ~1x: one file
 *       per address, so the others' history costs nothing), and vs 1 address × 1 run,
 *       with the file sizes;
 *   (c) `m365:get-checklist` through the dispatcher fed a connection report (a real test
 *       against a local server answering like Exchange Online) vs without one.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authenticate } from 'mailauth';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { M365Checklist } from '../../src-preload/contract/m365-schemas';
import { loadReplyCatalogue, repositoryResourcesDir, type ReplyCatalogue } from '../../src-main/analyze/reply-catalogue';
import { toMailauthResolver } from '../../src-main/dns/mailauth-resolver';
import { silentLogger } from '../../src-main/log/logger';
import { createServices } from '../../src-main/services';
import { useTestDns } from '../../src-main/testing/dns-fixture';
import { startM365Peer, type M365Peer } from '../../src-main/testing/m365-smtp-peer';
import { crlf, receivedField, signMessage } from '../../src-main/testing/relay-mutations';
import { runTest } from '../../src-main/testing/smtp-run';
import { createTestPki, type TestPki } from '../../src-main/testing/tls-certs';
import { ACME, createVerificationKeys, RELAY_IP, verificationZones } from '../../src-main/testing/verification-zone';
import { emptyHistory, recordRun } from '../../src-main/verification/history';
import { verifyMessage } from '../../src-main/verification/message-proof';
import type { AddressVerificationState, History, Observation, RunRecord } from '../../src-preload/contract/verification-schemas';
import { initialStatus } from '../../src-main/verification/status-machine';
import { openVerificationStore, VERIFICATION_DIRECTORY, VERIFICATION_SCHEMA_VERSION, verificationFileSchema, type VerificationFile } from '../../src-main/verification/status-store';

const keys = createVerificationKeys();
const dns = useTestDns(verificationZones(keys));

const dirs: string[] = [];
let pki: TestPki | undefined;
let peer: M365Peer | undefined;
afterAll(async () => {
  await peer?.close();
  pki?.cleanup();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'relayproof-bench-verification-'));
  dirs.push(dir);
  return dir;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function timed(work: () => unknown): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

// ---------------------------------------------------------------------------------------------
// (a) proving a received message

const ZENDESK_HEADERS = ['Auto-Submitted: auto-generated', 'X-Auto-Response-Suppress: All', 'X-Mailer: Zendesk Mailer', 'X-Zendesk-From-Account-Id', 'X-Zendesk-Email-Id'];
const PROOF_ROUNDS = 21;

/** A Zendesk message signed by the platform and by the relay, as the receiving MX stores it. */
async function receivedMessage(): Promise<Buffer> {
  const headers = [
    `From: Acme Support <support@${ACME}>`,
    'To: customer@example.org',
    'Subject: Relayproof test T0K3N',
    'Date: Mon, 23 Nov 2026 10:00:00 +0000',
    `Message-ID: <relayproof-T0K3N@${ACME}>`,
    'X-Relayproof-Token: T0K3N',
    'Auto-Submitted: auto-generated',
    'X-Auto-Response-Suppress: All',
    'X-Mailer: Zendesk Mailer',
    'X-Zendesk-From-Account-Id: 8f1c2a',
    'X-Zendesk-Email-Id: 01JQ7Z9K',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
  ];
  const fromPlatform = await signMessage(crlf(`${headers.join('\n')}\n\n${'Hello from the connector.\n'.repeat(40)}Token: T0K3N\n`), [keys.acmePlatform]);
  const atRelay = receivedField({ helo: 'zendesk-out.example.net', ip: '203.0.113.9', by: `relay.${ACME}`, protocol: 'ESMTPSA', id: 'R1', at: new Date('2026-11-23T10:00:03Z') }) + fromPlatform;
  const relayed = await signMessage(atRelay, [keys.acmeRelay]);
  const atMx = receivedField({ helo: `relay.${ACME}`, ip: RELAY_IP, by: 'mx.example.org', protocol: 'ESMTPS', id: 'MX1', at: new Date('2026-11-23T10:00:07Z') });
  return Buffer.from(`Return-Path: <support@${ACME}>\r\n${atMx}${relayed}`);
}

/** A fresh resolver per message, as each verification run gets. */
const mailauthResolver = () => toMailauthResolver(dns.resolver({ timeoutMs: 3_000, retries: 1 }));

it('message proof: verifyMessage vs bare mailauth authenticate()', async () => {
  const raw = await receivedMessage();
  const ours = async () => {
    const result = await verifyMessage(raw, { resolver: mailauthResolver(), domain: ACME, expectedToken: 'T0K3N', expectedHeaders: ZENDESK_HEADERS });
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  };
  // What a receiving MTA knows without reading the Received chain: the IP, HELO and envelope sender.
  const bare = () =>
    authenticate(raw, { resolver: mailauthResolver(), ip: RELAY_IP, helo: `relay.${ACME}`, sender: `support@${ACME}`, mta: 'relayproof.invalid', disableBimi: true, minBitLength: 1024 });

  // Warm-up, and both must reach the same verdicts on this message.
  const proof = await ours();
  expect(proof.pass).toBe(true);
  expect(proof.dkim.map((d) => `${d.selector}=${d.result}`).sort()).toEqual(['relay1=pass', 'zendesk1=pass']);
  const reference = await bare();
  expect(reference.spf === false ? null : reference.spf.status.result).toBe('pass');
  expect(reference.dmarc === false ? null : reference.dmarc.status.result).toBe('pass');

  const server = dns.server();
  server.resetQueries();
  await ours();
  const ourQueries = server.queries.length;
  server.resetQueries();
  await bare();
  const bareQueries = server.queries.length;

  const relayproof: number[] = [];
  const mailauth: number[] = [];
  // Alternate which goes first, so neither always pays for the other's garbage.
  for (let round = 0; round < PROOF_ROUNDS; round += 1) {
    if (round % 2 === 0) {
      relayproof.push(await timed(ours));
      mailauth.push(await timed(bare));
    } else {
      mailauth.push(await timed(bare));
      relayproof.push(await timed(ours));
    }
  }
  const ratio = median(relayproof) / median(mailauth);
  console.log(
    `bench verification.proof relayproof/mailauth: ${ratio.toFixed(2)}x (target <= 1.2x) — verifyMessage ${median(relayproof).toFixed(1)} ms (${ourQueries} DNS questions), authenticate() ${median(mailauth).toFixed(1)} ms (${bareQueries} DNS questions); ${raw.length} bytes, 2 DKIM signatures (RSA 2048), loopback DNS, median of ${PROOF_ROUNDS}`,
  );
});

// ---------------------------------------------------------------------------------------------
// (b) recording a run in verification/<addressId>.json

const ADDRESSES = 20;
const RUNS = 500;
const RECORD_ROUNDS = 5;
const DNS_ITEMS = ['spf', 'dkim:relay1', 'dkim:zendesk1', 'dmarc', 'mx'] as const;

/** A scheduled re-check's observations: SMTP sign-in and send-as, then the DNS items, with evidence. */
function recheckObservations(at: string, serial: number): Observation[] {
  const smtp = (itemId: 'connection-auth' | 'send-as', summary: string): Observation => ({
    itemId,
    at,
    outcome: 'pass',
    explanation: summary,
    evidence: {
      source: 'smtp',
      observedAt: at,
      summary,
      value: null,
      facts: [
        { label: 'Server', value: 'smtp.relay-provider.test:587 (STARTTLS, TLSv1.3)' },
        { label: 'Reply', value: '235 2.7.0 Authentication successful' },
      ],
    },
  });
  const records: Record<(typeof DNS_ITEMS)[number], string> = {
    spf: `v=spf1 ip4:${RELAY_IP} include:mail.zendesk.com -all`,
    'dkim:relay1': keys.acmeRelay.record,
    'dkim:zendesk1': keys.acmePlatform.record,
    dmarc: `v=DMARC1; p=reject; rua=mailto:dmarc@${ACME}`,
    mx: `10 mx.${ACME}`,
  };
  return [
    smtp('connection-auth', 'Signed in to smtp.relay-provider.test with the stored password.'),
    smtp('send-as', `The server accepted MAIL FROM:<support@${ACME}> after sign-in.`),
    ...DNS_ITEMS.map(
      (id): Observation => ({
        itemId: `dns:${id}`,
        at,
        outcome: 'pass',
        explanation: `${id.toUpperCase()} for ${ACME} is published as expected.`,
        evidence: {
          source: 'dns',
          observedAt: at,
          summary: `${id} record of ${ACME}`,
          value: records[id],
          facts: [
            { label: 'Record', value: records[id] },
            { label: 'Answered by', value: `127.0.0.1:53 (run ${serial})` },
          ],
        },
      }),
    ),
  ];
}

function minutes(n: number): string {
  return new Date(Date.UTC(2026, 10, 1) + n * 60_000).toISOString();
}

function runsFor(addressId: string, count: number): { state: AddressVerificationState; history: History } {
  let state = initialStatus({ addressId, domain: ACME, dnsCheckIds: [...DNS_ITEMS] });
  let history = emptyHistory(addressId);
  for (let i = 0; i < count; i += 1) {
    const at = minutes(i * 60);
    const recorded = recordRun(state, history, { id: `run-${addressId}-${i}`, trigger: 'scheduled', startedAt: at, finishedAt: at, observations: recheckObservations(at, i) });
    state = recorded.state;
    history = recorded.history;
  }
  return { state, history };
}

/** `addresses` per-address files with `runs` runs each, written once (seeding through the store would take minutes). */
function seededStore(addresses: number, runs: number) {
  const dir = tempDir();
  const template = runsFor('a-bench0000', runs);
  const folder = join(dir, VERIFICATION_DIRECTORY);
  mkdirSync(folder, { mode: 0o700 });
  const text = JSON.stringify(verificationFileSchema.parse({ schemaVersion: VERIFICATION_SCHEMA_VERSION, addressId: 'a-bench0000', ...template } satisfies VerificationFile));
  for (let a = 0; a < addresses; a += 1) {
    const id = `a-bench${String(a).padStart(4, '0')}`;
    writeFileSync(join(folder, `${id}.json`), text.replaceAll('a-bench0000', id), { mode: 0o600 });
  }
  const store = openVerificationStore({ directory: dir });
  expect(store.ids()).toHaveLength(addresses);
  expect(store.notices()).toEqual([]);
  return { store, template };
}

function nextRun(store: ReturnType<typeof openVerificationStore>, template: { state: AddressVerificationState }, serial: number): { state: AddressVerificationState; run: RunRecord } {
  const id = 'a-bench0000';
  const entry = store.get(id);
  const at = minutes((RUNS + serial) * 60);
  const recorded = recordRun(entry?.state ?? template.state, entry?.history ?? emptyHistory(id), { id: `run-next-${serial}`, trigger: 'scheduled', startedAt: at, finishedAt: at, observations: recheckObservations(at, RUNS + serial) });
  return { state: recorded.state, run: recorded.run };
}

it(`verification history: record one run with ${ADDRESSES} addresses × ${RUNS} runs vs 1 × ${RUNS} vs 1 × 1`, async () => {
  const large = seededStore(ADDRESSES, RUNS);
  const alone = seededStore(1, RUNS);
  const small = seededStore(1, 1);
  const record = (seeded: ReturnType<typeof seededStore>, serial: number) => {
    const { state, run } = nextRun(seeded.store, seeded.template, serial);
    return () => {
      seeded.store.record('a-bench0000', state, run);
    };
  };
  const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  const folderBytes = (seeded: ReturnType<typeof seededStore>) => readdirSync(seeded.store.path).reduce((sum, name) => sum + statSync(join(seeded.store.path, name)).size, 0);
  // Untimed first record: it also rewrites the seeded file as the app writes it (conf indents).
  for (const seeded of [small, alone, large]) record(seeded, 0)();
  const largeBytes = folderBytes(large);
  const fileBytes = statSync(large.store.pathOf('a-bench0000')).size;
  const smallBytes = statSync(small.store.pathOf('a-bench0000')).size;
  const otherBefore = statSync(large.store.pathOf('a-bench0001')).mtimeMs;
  const smallMs: number[] = [];
  const aloneMs: number[] = [];
  const largeMs: number[] = [];
  for (let round = 1; round <= RECORD_ROUNDS; round += 1) {
    smallMs.push(await timed(record(small, round)));
    aloneMs.push(await timed(record(alone, round)));
    largeMs.push(await timed(record(large, round)));
  }
  // The history stays bounded: 500 runs per address; the other addresses' files are not rewritten.
  expect(large.store.get('a-bench0000')?.history.runs).toHaveLength(RUNS);
  expect(large.store.get('a-bench0000')?.history.runs.at(-1)?.id).toBe(`run-next-${RECORD_ROUNDS}`);
  expect(statSync(large.store.pathOf('a-bench0001')).mtimeMs).toBe(otherBefore);
  expect(small.store.get('a-bench0000')?.history.runs).toHaveLength(2 + RECORD_ROUNDS);
  const ratio = median(largeMs) / median(aloneMs);
  console.log(
    `bench verification.record ${ADDRESSES}×${RUNS}/1×${RUNS}: ${ratio.toFixed(2)}x (target ~1x) — ${ADDRESSES}×${RUNS} runs: ${median(largeMs).toFixed(1)} ms per recorded run (its file ${mb(fileBytes)} MB of ${mb(largeBytes)} MB in all, only that file rewritten), 1×${RUNS}: ${median(aloneMs).toFixed(1)} ms; vs 1×1: ${(median(largeMs) / median(smallMs)).toFixed(0)}x (${median(smallMs).toFixed(1)} ms, file ${kb(smallBytes)} KB), ${DNS_ITEMS.length + 2} observations per run, median of ${RECORD_ROUNDS}`,
  );
});

// ---------------------------------------------------------------------------------------------
// (c) the Microsoft 365 readiness checklist with and without a connection report

const MAILBOX = 'support@contoso.com';
const PASSWORD = 'correct horse battery staple';
const CHECKLIST_ROUNDS = 51;
let catalogue: ReplyCatalogue;

beforeAll(async () => {
  const replies = await loadReplyCatalogue(repositoryResourcesDir());
  if (!replies.ok) throw new Error(replies.problems.join('\n'));
  catalogue = replies.catalogue;
});

it('m365:get-checklist with a connection report vs without', async () => {
  pki = createTestPki();
  peer = await startM365Peer({
    tls: pki.leaf,
    mailbox: MAILBOX,
    password: PASSWORD,
    refuse: { at: 'auth', reply: { code: 535, message: '5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.' } },
  });
  const report = await runTest(
    { host: '127.0.0.1', port: peer.port, security: 'starttls', from: MAILBOX, credentials: { kind: 'password', username: MAILBOX, secret: PASSWORD } },
    { ca: [pki.ca], catalogue },
  );
  const dispatcher = createServices({ dataDirectory: tempDir(), mode: 'cli', logger: silentLogger, validateOutput: false }).createDispatcher();
  const checklist = (input: Record<string, unknown>) => async () => {
    const result = await dispatcher.dispatch('m365:get-checklist', { upn: MAILBOX, today: '2026-11-23', ...input });
    if (!result.ok) throw new Error(result.error.message);
    return result.value as M365Checklist;
  };
  const withReport = checklist({ report });
  const without = checklist({});
  expect((await withReport()).items.find((i) => i.id === 'tenant-smtp-auth')).toMatchObject({ state: 'problem', setBy: 'test' });
  expect((await without()).items.find((i) => i.id === 'tenant-smtp-auth')?.state).not.toBe('problem');

  const reportMs: number[] = [];
  const plainMs: number[] = [];
  for (let round = 0; round < CHECKLIST_ROUNDS; round += 1) {
    reportMs.push(await timed(withReport));
    plainMs.push(await timed(without));
  }
  const ratio = median(reportMs) / median(plainMs);
  console.log(
    `bench m365.checklist with-report/without: ${ratio.toFixed(2)}x — with a connection report ${median(reportMs).toFixed(2)} ms (${JSON.stringify(report).length} bytes of report validated and decoded), without ${median(plainMs).toFixed(2)} ms, median of ${CHECKLIST_ROUNDS}`,
  );
});

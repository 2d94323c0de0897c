/**
 * `relayproof status`, `relayproof verify`, `relayproof message verify` and
 * `relayproof report`: the verification status from the command line, over the same
 * service as the app. Only `status --watch` starts the background re-checks; every other
 * command runs once and leaves no timer behind.
 */
import { writeFile } from 'node:fs/promises';
import type { AddressStatus, AddressView, SendEmailEvent, SendEmailResult, VerifyEmlResult } from '../../src-preload/contract';
import { addressStandingLabels, addressVerdictLabel, itemLabel, itemStateLabels, type ConnectionTestFacts } from '../../src-preload/contract/state-labels';
import type { Services } from '../services';
import { DEFAULT_CONCURRENCY, DEFAULT_PER_HOST, MAX_CONCURRENCY, MAX_PER_HOST, type FleetAddress, type FleetEvent, type FleetRun } from '../../src-preload/contract/fleet-schemas';
import { platformIdSchema } from '../../src-preload/contract/platform-vocabulary';
import { readEmlFile } from '../verification/eml-file';
import { imapMailboxSchema, type MessageProof } from '../../src-preload/contract/verification-schemas';
import { statusPageLines, type StatusPageLines } from './platform-status-page';
import { EXIT, oneLine, parseOptions, printErrorText, printJson, printText, readSecretFromStdin, readUserFile, reportError, UsageError, type CliIo, type ExitCode } from './io';
import { parseConfig } from './command-table';

const STATUS_USAGE = 'Usage: relayproof status [ADDRESS_ID] [--watch] [--reset] [--json]\n       relayproof status --all [--recheck] [--concurrency N] [--per-host N] [--platform P] [--json]';
const VERIFY_USAGE =
  'Usage: relayproof verify ADDRESS_ID [--imap-host H --imap-user U --imap-password-stdin [--imap-port N] [--imap-security tls|starttls] [--imap-ca FILE]] [--wait SECONDS] [--eml FILE] [--json]';
const MESSAGE_USAGE = 'Usage: relayproof message verify FILE.eml [--dns-server HOST:PORT]... [--json]';
const REPORT_USAGE = 'Usage: relayproof report [ADDRESS_ID] --format html|json --out FILE';
/** A company CA bundle is tens of KB; the system's whole bundle is about 200 KB. */
const MAX_CA_FILE_BYTES = 1_000_000;

export interface VerificationCommandDeps {
  /** `status --watch` ends when this resolves; the default waits for SIGINT, SIGTERM or `io.signal`. */
  readonly stopped?: Promise<void>;
  /** Refresh interval of `status --watch` (countdowns move even when nothing changes). */
  readonly refreshMs?: number;
}

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}

/** The last connection test of each address (part of its verdict, as in the app); empty when it cannot be read. */
async function lastTestsOf(dispatcher: ReturnType<Services['createDispatcher']>): Promise<ReadonlyMap<string, ConnectionTestFacts>> {
  const listed = await dispatcher.dispatch('addresses:list', {});
  return new Map(listed.ok ? (listed.value as AddressView[]).map((a) => [a.id, a.lastTest] as const) : []);
}

/** Each address's verdict in the app's words (the contract's label), by id. */
function verdictsOf(list: readonly AddressStatus[], lastTests: ReadonlyMap<string, ConnectionTestFacts>): ReadonlyMap<string, string> {
  return new Map(list.map((a) => [a.address.id, addressVerdictLabel(a.status, lastTests.get(a.address.id) ?? null)] as const));
}

function formatStatus(list: readonly AddressStatus[], verdicts: ReadonlyMap<string, string>, statusPage: StatusPageLines = () => null): string {
  if (list.length === 0) return 'No addresses configured yet. Add one with `relayproof address add` or in the app.\n';
  const out: string[] = [];
  for (const a of list) {
    const s = a.status;
    const worstItem = s.worst === null ? undefined : s.items.find((i) => i.id === s.worst?.id);
    const worst = s.worst === null ? '' : `, worst: ${oneLine(s.worst.title)} (${worstItem === undefined ? itemStateLabels[s.worst.state] : itemLabel(worstItem)})`;
    out.push(`${a.address.id}  ${oneLine(a.address.address)}  ${a.address.platform}/${a.address.environment}  ${verdicts.get(a.address.id) ?? addressVerdictLabel(s)}${worst}`);
    out.push(`  last check ${a.lastCheckAt ?? 'never'}; next check ${a.nextCheckAt ?? (a.checking ? 'running now' : 'not scheduled')}`);
    const width = Math.max(0, ...s.items.map((i) => itemLabel(i).length));
    for (const item of s.items) {
      const st = item.status;
      const countdown = item.countdownMs === null ? '' : ` (${duration(item.countdownMs)} left)`;
      // Explanations quote DNS text, headers and server replies: one line each, nothing hidden.
      // An item not decided yet has no explanation: its label says it, and the last error says why.
      const text = st.state !== 'unverified' ? oneLine(st.explanation) : item.lastError === null ? null : oneLine(item.lastError.message);
      out.push(`  [${itemLabel(item).padEnd(width)}] ${oneLine(item.title)}${countdown}${text === null ? '' : `: ${text}`}`);
    }
    const page = s.items.some((i) => i.status.state === 'failed') ? statusPage(a.address.platform) : null;
    if (page !== null) out.push(`  ${page}`);
  }
  return `${out.join('\n')}\n`;
}

export async function runStatusCommand(args: readonly string[], io: CliIo, openServices: () => Services, deps: VerificationCommandDeps = {}): Promise<ExitCode> {
  const { values, positionals } = parseOptions(args, parseConfig('status'), true);
  if (positionals.length > 1) throw new UsageError(STATUS_USAGE);
  const fleetOnly = (['recheck', 'concurrency', 'per-host', 'platform'] as const).filter((k) => values[k] !== undefined);
  if (values.all === true) {
    if (positionals.length > 0 || values.watch === true || values.reset === true) throw new UsageError(`--all shows every address: give no ADDRESS_ID, --watch or --reset with it.\n${STATUS_USAGE}`);
    return runFleetStatus(values, io, openServices);
  }
  if (fleetOnly.length > 0) throw new UsageError(`--${fleetOnly[0] ?? 'recheck'} goes with --all.\n${STATUS_USAGE}`);
  const [addressId] = positionals;
  if (values.reset === true && addressId === undefined) throw new UsageError(`--reset restarts the 72-hour window of one address: give its ADDRESS_ID.\n${STATUS_USAGE}`);
  const json = values.json === true;
  const services = openServices();
  const dispatcher = services.createDispatcher();
  if (values.reset === true && addressId !== undefined) {
    // Restart the 72-hour window of the DNS items that ran out of it (or are counting), then show the status.
    const reset = await dispatcher.dispatch('verification:reset', { addressId });
    if (!reset.ok) return reportError(io, json, reset.error);
    if (!json) printText(io, 'The 72-hour window was restarted: the next re-check starts it again.\n');
  }
  const show = async (): Promise<ExitCode> => {
    const result = await dispatcher.dispatch('verification:status', addressId === undefined ? {} : { addressId });
    if (!result.ok) return reportError(io, json, result.error);
    const list = result.value as AddressStatus[];
    const verdicts = verdictsOf(list, await lastTestsOf(dispatcher));
    if (json) printJson(io, { ok: true, addresses: list.map((a) => ({ ...a, verdict: verdicts.get(a.address.id) ?? null })) });
    else printText(io, formatStatus(list, verdicts, await statusPageLines(io.env)));
    return list.some((a) => a.status.overall === 'failed') ? EXIT.checkFailed : EXIT.ok;
  };
  const code = await show();
  if (values.watch !== true || code === EXIT.usage) return code;

  // Watching is a long-running mode: the background re-checks run, and every change
  // (and a periodic refresh for the countdowns) prints the status again.
  services.verification.startScheduler();
  let queued = Promise.resolve<ExitCode>(code);
  const again = () => (queued = queued.then(show));
  const unsubscribe = services.verification.onChange(() => void again());
  const timer = setInterval(() => void again(), deps.refreshMs ?? 60_000);
  try {
    await (deps.stopped ?? untilSignalled(io.signal));
  } finally {
    clearInterval(timer);
    unsubscribe();
    await services.verification.stopScheduler();
  }
  return queued;
}

function limitOption(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} is a whole number from 1 to ${max}.`);
  return n;
}

function fleetLine(a: FleetAddress, verdict: string): string {
  const marks = [a.throttled ? 'throttled' : null, a.note].filter((m): m is string => m !== null);
  const worst = a.items.find((i) => i.state === 'failed') ?? a.items.find((i) => i.state !== 'verified' && i.state !== 'unverified');
  const why = a.overall === 'verified' || worst === undefined ? '' : `, ${oneLine(worst.title)} (${itemStateLabels[worst.state]})`;
  return `${a.id}  ${oneLine(a.address)}  ${a.platform}/${a.environment}  ${verdict}${why}${marks.length > 0 ? `  [${marks.map(oneLine).join('; ')}]` : ''}`;
}

/**
 * The fleet shape has no evidence and no connection test, so each address's verdict comes
 * from its full status, as `relayproof status` and the app read it (never a word of its own).
 */
async function fleetVerdicts(services: Services, list: readonly FleetAddress[]): Promise<ReadonlyMap<string, string>> {
  const dispatcher = services.createDispatcher();
  const statuses = await dispatcher.dispatch('verification:status', {});
  const verdicts = statuses.ok ? verdictsOf(statuses.value as AddressStatus[], await lastTestsOf(dispatcher)) : new Map<string, string>();
  const fallback = (a: FleetAddress) => addressStandingLabels[a.overall === 'unverified' ? (a.checkedAt === null ? 'never-checked' : 'not-fully-checked') : a.overall];
  return new Map(list.map((a) => [a.id, verdicts.get(a.id) ?? fallback(a)] as const));
}

/** Per server: how many addresses, how many not verified, what the run saw there. */
function formatFleet(list: readonly FleetAddress[], run: FleetRun['run'] | null, hostOf: ReadonlyMap<string, string>, verdicts: ReadonlyMap<string, string>): string {
  if (list.length === 0) return 'No addresses to show. Add one with `relayproof address add` or in the app.\n';
  const out: string[] = [];
  if (run !== null) {
    const seconds = Math.max(0, Math.round((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000));
    const checked = list.filter((a) => a.rechecked).length;
    out.push(`Re-checked ${checked} of ${list.length} addresses on ${run.hosts.length} mail server(s) in ${seconds} s (at most ${run.perHost} per server, ${run.concurrency} at a time)${run.cancelled ? '; cancelled before the end' : ''}.`);
    for (const h of run.hosts) {
      const ids = new Set(list.filter((a) => hostOf.get(a.id) === h.host).map((a) => a.id));
      const failing = list.filter((a) => ids.has(a.id) && a.overall !== 'verified').length;
      out.push(`  ${h.names.map(oneLine).join(', ')}${h.names.includes(h.host) ? '' : ` (${h.host})`}: ${h.addresses} address(es), ${failing} not verified, at most ${h.maxConcurrent} at once${h.throttled > 0 ? `, ${h.throttled} throttled` : ''}`);
    }
  }
  for (const a of list) out.push(fleetLine(a, verdicts.get(a.id) ?? a.overall));
  const notVerified = list.filter((a) => a.overall !== 'verified').length;
  out.push(notVerified === 0 ? 'Every address is verified.' : `${notVerified} of ${list.length} addresses are not verified.`);
  return `${out.join('\n')}\n`;
}

/** `status --all [--recheck]`: every address in the fleet shape; exit 0 only when all are verified. */
async function runFleetStatus(values: Record<string, unknown>, io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const json = values.json === true;
  const perHost = limitOption(values['per-host'], 'per-host', DEFAULT_PER_HOST, MAX_PER_HOST);
  const concurrency = limitOption(values.concurrency, 'concurrency', DEFAULT_CONCURRENCY, MAX_CONCURRENCY);
  if (values.recheck !== true && (values['per-host'] !== undefined || values.concurrency !== undefined)) throw new UsageError(`--per-host and --concurrency limit a re-check: add --recheck.\n${STATUS_USAGE}`);
  const platform = values.platform === undefined ? undefined : platformIdSchema.safeParse(values.platform);
  if (platform !== undefined && !platform.success) throw new UsageError(`--platform: ${platform.error.issues[0]?.message ?? 'not a platform id'}`);
  const services = openServices();
  const selection = platform === undefined ? {} : { platform: platform.data };
  const exitFor = (list: readonly FleetAddress[]) => (list.every((a) => a.overall === 'verified') ? EXIT.ok : EXIT.checkFailed);
  if (values.recheck !== true) {
    const list = services.verification.fleetStatus(selection);
    if (!list.ok) return reportError(io, json, list.error);
    const verdicts = await fleetVerdicts(services, list.value);
    if (json) printJson(io, { addresses: list.value.map((a) => ({ ...a, verdict: verdicts.get(a.id) ?? null })), run: null });
    else printText(io, formatFleet(list.value, null, new Map(), verdicts));
    return exitFor(list.value);
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  const hostOf = new Map<string, string>();
  let result;
  try {
    result = await services.verification.recheckAll(
      { ...selection, perHost, concurrency, trigger: 'cli' },
      {
        signal: controller.signal,
        emit: (raw) => {
          const event = raw as FleetEvent;
          if (event.type === 'checking') hostOf.set(event.addressId, event.host);
          if (json) return;
          if (event.type === 'throttled') printErrorText(io, `${event.host} asked to wait (${oneLine(event.reply)}): its queue pauses ${Math.round(event.pausedMs / 1000)} s, the other servers go on.\n`);
          if (event.type === 'done') printErrorText(io, `[${event.done}/${event.total}] ${oneLine(event.address.address)}: ${event.address.rechecked ? 'checked' : oneLine(event.address.note ?? 'not checked')}\n`);
        },
      },
    );
  } finally {
    process.removeListener('SIGINT', stop);
  }
  if (!result.ok) return reportError(io, json, result.error);
  const verdicts = await fleetVerdicts(services, result.value.addresses);
  if (json) printJson(io, { ...result.value, addresses: result.value.addresses.map((a) => ({ ...a, verdict: verdicts.get(a.id) ?? null })) });
  else printText(io, formatFleet(result.value.addresses, result.value.run, hostOf, verdicts));
  return exitFor(result.value.addresses);
}

/** SIGINT, SIGTERM or the caller's abort, whichever comes first; no listener is left behind. */
function untilSignalled(signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    if (signal?.aborted === true) return done();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** What the message proved; every value read from the message (domains, selectors, HELO, header values) is one escaped line. */
function proofLines(proof: MessageProof): string[] {
  return [
    `SPF:   ${proof.spf.result} — ${oneLine(proof.spf.explanation)}`,
    ...proof.dkim.map((d) => `DKIM:  ${d.result} d=${oneLine(d.domain ?? '?')} s=${oneLine(d.selector ?? '?')}${d.aligned ? ' (aligned)' : ' (not aligned)'} — ${oneLine(d.explanation)}`),
    ...(proof.dkim.length === 0 ? ['DKIM:  none — the message carries no DKIM signature.'] : []),
    `DMARC: ${proof.dmarc.result} — ${oneLine(proof.dmarc.explanation)}`,
    `ARC:   ${proof.arc.result}`,
    `Sent by ${oneLine(proof.sender.ip ?? '?')} (HELO ${oneLine(proof.sender.helo ?? '?')}); delivery took ${proof.delayMs === null ? '?' : `${Math.round(proof.delayMs / 1000)} s`}`,
    ...Object.entries(proof.headers).map(([name, h]) => `Header ${oneLine(name)}: ${h.present ? (h.unchanged === false ? `changed to "${oneLine(h.value)}"` : `"${oneLine(h.value)}"`) : 'MISSING'}`),
  ];
}

function eventLine(event: SendEmailEvent): string | null {
  switch (event.type) {
    case 'sent':
      return event.accepted ? `Sent to ${oneLine(event.recipient)}: ${oneLine(event.reply ?? 'accepted')}` : `Not accepted: ${oneLine(event.reply ?? 'refused')}`;
    case 'waiting':
      return `Waiting for it (search ${event.attempt}, giving up at ${event.deadlineAt})`;
    case 'received':
      return `Received in ${oneLine(event.mailbox ?? 'the mailbox')} after ${Math.round(event.elapsedMs / 1000)} s`;
    case 'proved':
      return `Proved: SPF ${event.spf}, DKIM ${event.dkim}, DMARC ${event.dmarc}`;
    case 'observation':
      return null;
  }
}

export async function runVerifyCommand(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const { values: v, positionals } = parseOptions(
    args,
    parseConfig('verify'),
    true,
  );
  const values = v as Record<string, string | boolean | undefined>;
  const [addressId] = positionals;
  if (addressId === undefined || positionals.length !== 1) throw new UsageError(VERIFY_USAGE);
  const json = values.json === true;
  const imapGiven = ['imap-host', 'imap-user', 'imap-password-stdin', 'imap-port', 'imap-security', 'imap-ca'].some((k) => values[k] !== undefined);
  if (imapGiven && values.eml !== undefined) throw new UsageError(`Give either a mailbox (--imap-...) or a received message (--eml), not both.\n${VERIFY_USAGE}`);

  if (typeof values.eml === 'string') {
    const read = await readEmlFile(values.eml);
    if (!read.ok) return reportError(io, json, read.error);
    const services = openServices();
    const result = await services.verification.verifyRaw(read.value, { addressId, trigger: 'cli' });
    if (!result.ok) return emlError(io, json, result.error);
    return printVerified(io, json, result.value);
  }

  let mailbox: { mailbox: ReturnType<typeof imapMailboxSchema.parse>; password: string; ca?: string[] } | undefined;
  if (imapGiven) {
    if (values['imap-host'] === undefined || values['imap-user'] === undefined || values['imap-password-stdin'] !== true) {
      throw new UsageError(`A mailbox needs --imap-host, --imap-user and --imap-password-stdin (the password is read from standard input, never an argument).\n${VERIFY_USAGE}`);
    }
    const parsed = imapMailboxSchema.safeParse({
      host: values['imap-host'],
      username: values['imap-user'],
      ...(values['imap-port'] !== undefined ? { port: Number(values['imap-port']) } : {}),
      ...(values['imap-security'] !== undefined ? { security: values['imap-security'] } : {}),
    });
    if (!parsed.success) throw new UsageError(`The mailbox is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    let ca: string[] | undefined;
    if (typeof values['imap-ca'] === 'string') {
      const read = await readUserFile(values['imap-ca'], MAX_CA_FILE_BYTES, 'a CA certificate file');
      if (!read.ok) throw new UsageError(read.message);
      ca = [read.text];
    }
    mailbox = { mailbox: parsed.data, password: await readSecretFromStdin(io), ...(ca !== undefined ? { ca } : {}) };
  }
  const waitSeconds = values.wait === undefined ? 600 : Number(values.wait);
  if (!Number.isInteger(waitSeconds) || waitSeconds < 5 || waitSeconds > 1800) throw new UsageError('--wait is a whole number of seconds from 5 to 1800.');

  const services = openServices();
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  let result;
  try {
    result = await services.verification.sendEmail(
      { addressId, waitSeconds, trigger: 'cli', mailbox },
      {
        signal: controller.signal,
        emit: (event) => {
          const line = json ? null : eventLine(event as SendEmailEvent);
          if (line !== null) printErrorText(io, `${line}\n`);
        },
      },
    );
  } finally {
    process.removeListener('SIGINT', stop);
  }
  if (!result.ok) return reportError(io, json, result.error);
  return printSent(io, json, result.value, (await statusPageLines(io.env))(result.value.status.address.platform));
}

function printSent(io: CliIo, json: boolean, value: SendEmailResult, page: string | null = null): ExitCode {
  const pass = value.proof?.pass === true;
  if (json) {
    printJson(io, { ok: pass, recipient: value.recipient, awaitingEml: value.awaitingEml, proof: value.proof, receipt: value.receipt, status: value.status.status, run: { id: value.run.id, transitions: value.run.transitions, drift: value.run.drift } });
    return pass ? EXIT.ok : EXIT.checkFailed;
  }
  const lines: string[] = [];
  if (value.awaitingEml) {
    lines.push(`The verification email went to ${value.recipient}. No mailbox is configured for this address: save the received message and run`);
    lines.push(`  relayproof verify ${value.status.address.id} --eml FILE.eml`);
  } else if (value.receipt !== null && !('source' in value.receipt)) {
    lines.push(`Not received: ${oneLine(value.receipt.message)}`, oneLine(value.receipt.hint));
  }
  if (value.proof !== null) lines.push(...proofLines(value.proof));
  // The headers verdict in the Status view's words (the same message, the same check).
  const headers = value.run.observations.find((o) => o.itemId === 'headers-intact');
  if (headers !== undefined) lines.push(`Headers: ${headers.outcome} — ${oneLine(headers.explanation)}`);
  lines.push(`Status: ${value.status.status.overall}`);
  if (!pass && page !== null) lines.push(page);
  printText(io, `${lines.join('\n')}\n`);
  return pass ? EXIT.ok : EXIT.checkFailed;
}

function printVerified(io: CliIo, json: boolean, value: VerifyEmlResult): ExitCode {
  if (json) printJson(io, { ok: value.proof.pass, proof: value.proof, status: value.status?.status ?? null });
  else printText(io, `${[...proofLines(value.proof), ...(value.status === null ? [] : [`Status: ${value.status.status.overall}`])].join('\n')}\n`);
  return value.proof.pass ? EXIT.ok : EXIT.checkFailed;
}

/** A file that is not a message is a failed check (exit 1), not a usage error. */
function emlError(io: CliIo, json: boolean, error: { code: string; message: string; hint?: string | undefined; details?: Record<string, unknown> | undefined }): ExitCode {
  const malformed = error.details?.['reason'] !== undefined && error.code !== 'not-found';
  const code = reportError(io, json, error);
  return malformed ? EXIT.checkFailed : code;
}

export async function runMessageCommand(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const [sub, ...rest] = args;
  if (sub !== 'verify') throw new UsageError(MESSAGE_USAGE);
  const { values, positionals } = parseOptions(rest, parseConfig('message verify'), true);
  const [file] = positionals;
  if (file === undefined || positionals.length !== 1) throw new UsageError(MESSAGE_USAGE);
  const json = values.json === true;
  const read = await readEmlFile(file);
  if (!read.ok) return emlError(io, json, read.error);
  const services = openServices();
  const dnsServers = (values['dns-server'] as string[] | undefined) ?? [];
  const result = await services.verification.verifyRaw(read.value, { trigger: 'cli', dnsServers });
  if (!result.ok) return emlError(io, json, result.error);
  const proof = result.value.proof;
  const pass = proof.spf.result === 'pass' && proof.dkim.some((d) => d.result === 'pass') && proof.dmarc.result === 'pass';
  if (json) {
    printJson(io, {
      spf: proof.spf.result,
      dkim: proof.dkim.map((d) => ({ domain: d.domain, selector: d.selector, result: d.result })),
      dmarc: proof.dmarc.result,
      arc: proof.arc.result,
      headers: Object.fromEntries(Object.entries(proof.headers).map(([name, h]) => [name, { present: h.present, value: h.value }])),
      sender: { ip: proof.sender.ip, helo: proof.sender.helo },
      delayMs: proof.delayMs,
      pass,
      explanations: { spf: proof.spf.explanation, dkim: proof.dkim.map((d) => d.explanation), dmarc: proof.dmarc.explanation },
    });
  } else {
    printText(io, `${proofLines(proof).join('\n')}\n${pass ? 'SPF, DKIM and DMARC pass.' : 'SPF, DKIM and DMARC do not all pass.'}\n`);
  }
  return pass ? EXIT.ok : EXIT.checkFailed;
}

export async function runReportCommand(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const { values, positionals } = parseOptions(args, parseConfig('report'), true);
  if (positionals.length > 1 || typeof values.out !== 'string' || (values.format !== 'html' && values.format !== 'json')) throw new UsageError(REPORT_USAGE);
  const [addressId] = positionals;
  const json = values.json === true;
  const result = await openServices()
    .createDispatcher()
    .dispatch('verification:report', { format: values.format, ...(addressId !== undefined ? { addressId } : {}) });
  if (!result.ok) return reportError(io, json, result.error);
  const report = result.value as { filename: string; content: string };
  try {
    await writeFile(values.out, report.content, { mode: 0o600 });
  } catch (error) {
    return reportError(io, json, { code: 'internal', message: `Cannot write ${values.out} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, hint: 'Choose a folder you can write to.' });
  }
  if (json) printJson(io, { ok: true, out: values.out, bytes: Buffer.byteLength(report.content) });
  else printText(io, `Wrote the verification report to ${values.out}.\n`);
  return EXIT.ok;
}


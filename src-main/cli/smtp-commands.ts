/**
 * `relayproof smtp test`, `relayproof smtp probe` and `relayproof explain`: the SMTP
 * engine and the diagnosis catalogue from the command line, through the same
 * dispatcher (and so the same validation) as the app.
 */
import { forSurface } from '../../src-preload/contract/surface-text';
import type { ExplainResult } from '../../src-preload/contract/analyze';
import { describeIssues } from '../app/input-issues';
import { formatReport, summarizeReport } from '../smtp/report-summary';
import type { ConnectionReport, ProbeReport } from '../../src-preload/contract/smtp-schemas';
import type { AuthKind } from '../../src-preload/contract/fields';
import { formatTranscript } from '../../src-preload/contract/smtp-transcript-format';
import type { Services } from '../services';
import { cliOperationId, EXIT, parseOptions, oneLine, printJson, printText, readSecretFromStdin, reportError, UsageError, type CliIo, type ExitCode } from './io';
import { parseConfig } from './command-table';

/** All `smtp test` and `smtp probe` use: a dispatcher (cli/smtp-services.ts builds one of the SMTP channels only). */
type SmtpServices = Pick<Services, 'createDispatcher'>;

const TEST_USAGE =
  'Usage: relayproof smtp test --host H --port P --security starttls|tls|none [--user U --password-stdin] [--auth-kind password|app-password|api-key|oauth2] [--platform P] --from ADDR [--to ADDR] [--send] [--ehlo NAME] [--pin SHA256] [--dns-server HOST:PORT]... [--transcript] [--json]';

export async function runSmtpCommand(args: readonly string[], io: CliIo, openServices: () => Promise<SmtpServices>): Promise<ExitCode> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'test':
      return smtpTest(rest, io, openServices);
    case 'probe':
      return smtpProbe(rest, io, openServices);
    default:
      throw new UsageError(`${TEST_USAGE}\n       relayproof smtp probe HOST [--dns-server HOST:PORT]... [--json]`);
  }
}

async function smtpTest(args: readonly string[], io: CliIo, openServices: () => Promise<SmtpServices>): Promise<ExitCode> {
  const { values: v, positionals } = parseOptions(
    args,
    parseConfig('smtp test'),
    true,
  );
  if (positionals.length > 0) throw new UsageError(TEST_USAGE);
  const values = v as {
    json?: boolean;
    host?: string;
    port?: string;
    security?: string;
    user?: string;
    'auth-kind'?: string;
    'password-stdin'?: boolean;
    from?: string;
    to?: string;
    send?: boolean;
    ehlo?: string;
    pin?: string;
    'dns-server'?: string[];
    transcript?: boolean;
    platform?: string;
  };
  if (values.host === undefined || values.port === undefined || values.security === undefined) throw new UsageError(TEST_USAGE);
  const port = Number(values.port);
  if (values.user !== undefined && values['password-stdin'] !== true) {
    throw new UsageError('Give the password on standard input with --password-stdin (never as an argument).');
  }
  if (values.user === undefined && values['password-stdin'] === true) throw new UsageError('--password-stdin needs --user.');
  // The platform data and its guidance load only for --platform: a plain test is on the way to
  // its server while the process starts (cli/smtp-services.ts), and everything imported
  // before it is time the connection waits.
  const platformModules = values.platform !== undefined ? Promise.all([import('./platform-guidance'), import('./platform-status-page')]) : null;
  if (values.platform !== undefined && platformModules !== null) {
    const problem = await (await platformModules)[0].unknownPlatformProblem(values.platform, io.env);
    if (problem !== null) throw new UsageError(problem);
  }
  const secret = values.user !== undefined ? await readSecretFromStdin(io) : undefined;
  const json = values.json === true;

  const input = {
    operationId: cliOperationId(),
    host: values.host,
    port,
    security: values.security,
    ...(values.from !== undefined ? { from: values.from } : {}),
    ...(values.to !== undefined ? { to: values.to } : {}),
    ...(values.ehlo !== undefined ? { ehloName: values.ehlo } : {}),
    ...(values.pin !== undefined ? { pinSha256: values.pin } : {}),
    dnsServers: values['dns-server'] ?? [],
    credentials: values.user === undefined ? null : { kind: values['auth-kind'] ?? 'password', username: values.user },
    ...(secret !== undefined ? { secret } : {}),
  };
  const services = await openServices();
  const channel = values.send === true ? 'smtp:send-test-message' : 'smtp:test-connection';
  const result = await services.createDispatcher().dispatch(channel, input);
  if (!result.ok) return reportError(io, json, result.error);
  const report = result.value as ConnectionReport;
  // With --platform, a connection that passed is followed by what that platform's own form
  // takes (Zuora: StartTLS, SocketFactory) and the mailbox service's sending limits.
  const guidance =
    values.platform !== undefined && platformModules !== null && report.ok
      ? await (await platformModules)[0].platformGuidance(
          values.platform,
          { host: report.target.host, port: report.target.port, security: report.target.security, username: values.user ?? values.from ?? '', authKind: authKindOf(values['auth-kind']) },
          undefined,
          io.env,
        )
      : null;
  if (json) {
    printJson(io, {
      ...summarizeReport(report),
      ...(values.transcript === true ? { transcript: formatTranscript(report.transcript) } : {}),
      ...(guidance !== null ? { platformForm: guidance.form, platformFormProblem: guidance.formProblem, sendingLimits: guidance.sendingLimits } : {}),
    });
  } else {
    printText(io, `${formatReport(report, { platform: values.platform })}\n`);
    const page = !report.ok && values.platform !== undefined && platformModules !== null ? (await (await platformModules)[1].statusPageLines(io.env))(values.platform) : null;
    if (page !== null) printText(io, `${page}\n`);
    if (guidance !== null) printText(io, `\n${guidance.text}`);
    // Each transcript line is what a server said or did: escaped, so it stays one line.
    if (values.transcript === true) printText(io, `\nTranscript:\n${formatTranscript(report.transcript.map((l) => ({ ...l, text: oneLine(l.text) })))}\n`);
  }
  return report.ok ? EXIT.ok : EXIT.checkFailed;
}

function authKindOf(value: string | undefined): AuthKind {
  return value === 'app-password' || value === 'api-key' || value === 'oauth2' ? value : 'password';
}

async function smtpProbe(args: readonly string[], io: CliIo, openServices: () => Promise<SmtpServices>): Promise<ExitCode> {
  const usage = 'Usage: relayproof smtp probe HOST [--port N]... [--dns-server HOST:PORT]... [--json]';
  const { values: v, positionals } = parseOptions(args, parseConfig('smtp probe'), true);
  const values = v as { json?: boolean; 'dns-server'?: string[]; port?: string[] };
  const [host] = positionals;
  if (host === undefined || positionals.length !== 1) throw new UsageError(usage);
  // Without --port: 25, 465, 587, 2525, 2465 and 2587 (the engine's defaults).
  const ports = values.port?.map(Number);
  const result = await (await openServices())
    .createDispatcher()
    .dispatch('smtp:probe', { operationId: cliOperationId(), host, dnsServers: values['dns-server'] ?? [], ...(ports !== undefined ? { ports } : {}) });
  const json = values.json === true;
  if (!result.ok) return reportError(io, json, result.error);
  const report = result.value as ProbeReport;
  if (json) printJson(io, report);
  else {
    printText(io, `${oneLine(report.host)}${report.address !== null ? ` (${oneLine(report.address)})` : ''}\n`);
    for (const r of report.results) {
      const mode = r.mode === 'tls' ? 'implicit TLS' : 'STARTTLS';
      const auth = r.auth.length > 0 ? `AUTH ${r.auth.join(' ')}` : 'no AUTH';
      printText(io, `  ${String(r.port).padStart(5)} ${mode.padEnd(12)} ${r.status.padEnd(15)} ${r.tls?.protocol ?? ''} ${oneLine(auth)}  ${oneLine(r.detail)}\n`);
    }
    for (const note of report.notes) printText(io, `  note: ${oneLine(note)}\n`);
    printText(io, report.recommendation !== null ? `\n${oneLine(report.recommendation.text)}\n` : `\n${oneLine(report.failure?.message ?? 'No combination offered TLS and AUTH.')}\n`);
  }
  // Passed only when a connector could use something as it is: TLS with a trusted
  // certificate and AUTH offered.
  const usable = report.results.some((r) => r.status === 'ok' && r.tls?.trusted === true);
  return usable ? EXIT.ok : EXIT.checkFailed;
}

export async function runExplainCommand(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const { values, positionals } = parseOptions(args, parseConfig('explain'), true);
  const text = positionals.join(' ');
  if (text.trim() === '') throw new UsageError('Usage: relayproof explain "TEXT" [--json]   (a reply line, a bounce snippet or a SaaS error message)');
  const result = await openServices().createDispatcher().dispatch('analyze:explain', { text });
  const json = values.json === true;
  if (!result.ok) {
    if (result.error.code === 'invalid-input') throw new UsageError(describeIssues([{ path: [], message: result.error.message }]));
    return reportError(io, json, result.error);
  }
  const explained = result.value as ExplainResult;
  if (json) printJson(io, explained);
  else {
    for (const d of explained.diagnoses) {
      printText(io, `${d.title}${d.kind === 'catalogue' ? ` (${d.code})` : ''}\n${d.happened}\nLikely cause: ${d.cause}\n`);
      d.steps.forEach((step, i) => printText(io, `  ${i + 1}. ${forSurface(step, 'cli')}\n`));
      for (const shown of d.saasShows) printText(io, `What ${shown.platform} shows: "${shown.text}"\n`);
      printText(io, '\n');
    }
  }
  return EXIT.ok;
}

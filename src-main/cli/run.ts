/**
 * `relayproof` command line: the same services as the app, human or `--json` output.
 * Exit codes: 0 success, 1 a check failed, 2 usage or input error.
 */
import { defaultDataDirectory } from '../app/data-directory';
import { APP_VERSION } from '../app/version';
import { createLogger } from '../log/logger';
import { m365OAuthFromEnv } from '../m365/authority';
import { createServices, type Services } from '../services';
import { runAddressCommand } from './address-commands';
import { runCheckCommand, runSpfCommand } from './dns-commands';
import { cleanUpOrphans, runDoctor } from './doctor';
import { runM365Command } from './m365-commands';
import { runExplainCommand, runSmtpCommand } from './smtp-commands';
import { EXIT, oneLine, parseOptions, printErrorText, printJson, printText, UsageError, type CliIo, type ExitCode } from './io';
import { runServe } from './serve';
import { runMessageCommand, runReportCommand, runStatusCommand, runVerifyCommand } from './verification-commands';

const USAGE = `Relayproof ${APP_VERSION}: prove a SaaS platform's SMTP connector credentials from this workstation.

Usage: relayproof <command> [options]

Commands:
  doctor                          What this machine offers Relayproof (keychain, Electron, display, DNS)
  doctor --remove-orphans [--force]
                                  Delete keychain entries that belong to no address
  address add --address A --platform P --environment sandbox|production --provider ID
            [--host H --port N --security S] [--user U] [--auth-kind K] [--subdomain S]
            [--route R] [--relay-selector S]...
            --password-stdin      Check and save an address; its password goes to the OS keychain
  address list                    The addresses: setup, last test, credential age, rotation due
  address test ID [--send-as]     Test the saved server with the stored password
  address rotate ID --password-stdin
                                  Test a new password first, then replace the stored one
  address remove ID [--yes]       Disconnect: delete the configuration and the keychain entry
  address export FILE             Non-secret configuration of every address as JSON
  address import FILE             Import an export; every bad row is reported with its reason
  address set-secret ID --password-stdin
                                  Store or replace the secret of an address in the OS keychain
                                  (\`addresses\` is the same command under its older name)
  serve [--port N] [--no-open]    Start browser mode on 127.0.0.1 and print its URL
  check DOMAIN [--platform P] [--route connector|direct|ses] [--relay-selector S]...
            [--selector S]... [--ip IP] [--smtp-host H] [--helo NAME] [--forward-to ADDR]
            [--dns-server HOST:PORT]...
                                  The SPF/DKIM/DMARC/MX/PTR checklist judged for the platform's
                                  sending route, with the records to publish; exit 0 when
                                  nothing required on the route fails
  smtp test --host H --port P --security starttls|tls|none [--user U --password-stdin]
            --from ADDR [--to ADDR] [--send] [--ehlo NAME] [--pin SHA256]
            [--dns-server HOST:PORT]... [--transcript]
                                  Every phase from DNS to QUIT, with the diagnosis when one fails
  smtp probe HOST [--port N]... [--dns-server HOST:PORT]...
                                  Which ports and security modes HOST offers, and which to use
  explain "TEXT"                  What an SMTP reply, bounce or SaaS error means and how to fix it
  spf DOMAIN [--ip IP] [--sender ADDR] [--helo NAME] [--dns-server HOST:PORT]...
                                  The SPF include tree with its DNS-lookup budget; with --ip,
                                  the verdict a receiving server would reach
  m365 checklist --upn UPN [--from ADDR] [--error TEXT] [--mark ITEM=STATE]...
                                  Microsoft 365 SMTP AUTH readiness for a mailbox; a pasted
                                  error marks the item it proves wrong, with its fix
  m365 script check|enable|enable-many|send-as|oauth-setup --upn UPN
            [--from ADDR] [--app-id ID --object-id ID] [--out FILE]
                                  The PowerShell for one situation (to FILE, else printed)
  status [ADDRESS_ID] [--watch] [--reset]
                                  Verification status per address: each item, the 72-hour DNS
                                  countdowns; --watch keeps re-checking and prints every change;
                                  --reset restarts the 72-hour window of ADDRESS_ID
  verify ADDRESS_ID [--imap-host H --imap-user U --imap-password-stdin] [--eml FILE]
                                  Send the verification email, find it in the mailbox (or read a
                                  saved .eml) and prove SPF, DKIM, DMARC and the platform headers
  message verify FILE.eml [--dns-server HOST:PORT]...
                                  SPF/DKIM/DMARC/ARC of a received message; exit 0 when all pass
  report [ADDRESS_ID] --format html|json --out FILE
                                  A verification report without secrets, for a vendor's support
  m365 token --tenant T --client-id C --client-secret-stdin [--show-token]
                                  An app-only OAuth 2.0 token for SMTP AUTH, explained from
                                  its claims (the token itself only with --show-token)

Options:
  --json        Print one JSON object instead of text
  --help        Show this help

Secrets are read only from standard input (--password-stdin), never from arguments.
Data directory: $RELAYPROOF_DATA_DIR, or the platform's config folder.
`;

/** Options that would put a secret in argv, where `ps` shows it to every user. */
const SECRET_OPTIONS = /^--?(password|pass|secret|token|api-key|client-secret)(=|$)/iu;

export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const secretArg = argv.find((a) => SECRET_OPTIONS.test(a));
  if (secretArg !== undefined) {
    printErrorText(io, `Refusing ${secretArg.split('=')[0]}: a secret on the command line is visible to every user through \`ps\` and lands in shell history. Pipe it in with --password-stdin instead.\n`);
    return EXIT.usage;
  }
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
        printErrorText(io, USAGE);
        return EXIT.usage;
      case '--help':
      case '-h':
      case 'help':
        printText(io, USAGE);
        return EXIT.ok;
      case '--version':
        printText(io, `${APP_VERSION}\n`);
        return EXIT.ok;
      case 'doctor':
        return await doctor(rest, io);
      case 'addresses':
      case 'address':
        return await runAddressCommand(rest, io, () => openServices(io));
      case 'serve':
        return await serve(rest, io);
      case 'check':
        return await runCheckCommand(rest, io, () => openServices(io));
      case 'spf':
        return await runSpfCommand(rest, io, () => openServices(io));
      case 'smtp':
        return await runSmtpCommand(rest, io, () => openServices(io));
      case 'explain':
        return await runExplainCommand(rest, io, () => openServices(io));
      case 'm365':
        return await runM365Command(rest, io, () => openServices(io));
      case 'status':
        return await runStatusCommand(rest, io, () => openServices(io));
      case 'verify':
        return await runVerifyCommand(rest, io, () => openServices(io));
      case 'message':
        return await runMessageCommand(rest, io, () => openServices(io));
      case 'report':
        return await runReportCommand(rest, io, () => openServices(io));
      default:
        throw new UsageError(`Unknown command "${command}". Run \`relayproof --help\` for the list.`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      printErrorText(io, `${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

function openServices(io: CliIo, mode: 'cli' | 'browser' = 'cli'): Services {
  const dataDirectory = defaultDataDirectory(io.env);
  // Another Entra sign-in service (a sovereign cloud; the tests' loopback endpoint) is chosen at start, never per call.
  const authority = m365OAuthFromEnv(io.env);
  if (!authority.ok) throw new UsageError(authority.problem);
  return createServices({
    dataDirectory,
    mode,
    logger: createLogger({ file: `${dataDirectory}/logs/relayproof.log` }),
    m365OAuth: authority.oauth,
    ...(io.verification !== undefined ? { verification: io.verification } : {}),
  });
}

async function doctor(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseOptions(args, { 'remove-orphans': { type: 'boolean' }, force: { type: 'boolean' } });
  if (values.force === true && values['remove-orphans'] !== true) throw new UsageError('--force goes with --remove-orphans.');
  const services = openServices(io);
  // Before the checks, so that they show what is left.
  const cleanup = values['remove-orphans'] === true ? await cleanUpOrphans(services, { force: values.force === true }) : undefined;
  const checks = await runDoctor(services, io.env);
  const failed = checks.some((c) => c.status === 'fail') || cleanup?.done === false || (cleanup?.kept.length ?? 0) > 0;
  if (values.json === true) {
    printJson(io, { ok: !failed, version: APP_VERSION, checks, ...(cleanup === undefined ? {} : { orphanCleanup: cleanup }) });
  } else {
    if (cleanup?.done === false) printErrorText(io, `${cleanup.reason}\n`);
    else if (cleanup !== undefined) {
      printText(io, `Removed ${cleanup.removed.length} keychain ${cleanup.removed.length === 1 ? 'entry' : 'entries'} without an address${cleanup.removed.length > 0 ? `: ${cleanup.removed.join(', ')}` : ''}.\n`);
      for (const k of cleanup.kept) printText(io, `  kept ${k.account}: ${oneLine(k.reason)}\n`);
    }
    for (const check of checks) {
      const mark = check.status === 'pass' ? '✓' : check.status === 'warn' ? '!' : '✗';
      printText(io, `${mark} ${check.id.padEnd(15)} ${check.summary}\n`);
      if (check.fix !== undefined && check.status !== 'pass') printText(io, `  fix: ${check.fix}\n`);
    }
  }
  return failed ? EXIT.checkFailed : EXIT.ok;
}

async function serve(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseOptions(args, { port: { type: 'string' }, 'no-open': { type: 'boolean' } });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535 (0 = random), not "${values.port}".`);
  return runServe(openServices(io, 'browser'), io, { port, open: values['no-open'] !== true, json: values.json === true });
}

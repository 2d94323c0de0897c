/**
 * `relayproof` command line: the same services as the app, human or `--json` output.
 * Exit codes: 0 success, 1 a check failed, 2 usage or input error.
 */
// Only what `--help` needs is imported here: every command's modules (and with them zod,
// nodemailer, mailauth, imapflow, msal-node ...) load with `import()` when that command
// runs, so the bundler puts each in its own chunk and a start costs about a bare `node`.
import { APP_VERSION } from '../app/version';
import type { Services } from '../services';
import type { CliIo, ExitCode } from './io';

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

/** Exit codes of the paths that load nothing (the same values as io.ts's EXIT). */
const OK = 0;
const USAGE_ERROR = 2;

export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [command, ...rest] = argv;
  // The usage text is Relayproof's own, with nothing a terminal would obey or hide, so it is
  // written as it is, without loading the escaping (run.test.ts checks it is unchanged by it).
  if (!argv.some((a) => SECRET_OPTIONS.test(a))) {
    switch (command) {
      case undefined:
        io.stderr.write(USAGE);
        return USAGE_ERROR;
      case '--help':
      case '-h':
      case 'help':
        io.stdout.write(USAGE);
        return OK;
      case '--version':
        io.stdout.write(`${APP_VERSION}\n`);
        return OK;
    }
  }
  const { EXIT, printErrorText, UsageError } = await import('./io');
  const secretArg = argv.find((a) => SECRET_OPTIONS.test(a));
  if (secretArg !== undefined) {
    printErrorText(io, `Refusing ${secretArg.split('=')[0]}: a secret on the command line is visible to every user through \`ps\` and lands in shell history. Pipe it in with --password-stdin instead.\n`);
    return EXIT.usage;
  }
  try {
    switch (command) {
      case 'doctor':
        return await (await import('./doctor')).runDoctorCommand(rest, io, await servicesOpener(io));
      case 'addresses':
      case 'address':
        return await (await import('./address-commands')).runAddressCommand(rest, io, await servicesOpener(io));
      case 'serve':
        // The link is printed before the composition root is even imported.
        return await (await import('./serve')).runServeCommand(rest, io, async (logger) => (await import('./open-services')).openServices(io, 'browser', logger));
      case 'check':
        // The checklist channel alone (settings, platform data), not the composition root.
        return await (await import('./dns-commands')).runCheckCommand(rest, io, await checkServicesOpener(io));
      case 'spf':
        // With --dns-server the command needs no services (they give only the saved DNS
        // servers), so it does not load the composition root at all.
        return await (await import('./dns-commands')).runSpfCommand(rest, io, givesDnsServer(rest) ? servicesNotLoaded('spf') : await servicesOpener(io));
      case 'smtp':
        // The SMTP channels alone (settings, reply catalogue, the connection-test path), not the composition root.
        return await (await import('./smtp-commands')).runSmtpCommand(rest, io, await smtpServicesOpener(io));
      case 'explain':
        return await (await import('./smtp-commands')).runExplainCommand(rest, io, await servicesOpener(io));
      case 'm365':
        return await (await import('./m365-commands')).runM365Command(rest, io, await servicesOpener(io));
      case 'status':
        return await (await import('./verification-commands')).runStatusCommand(rest, io, await servicesOpener(io));
      case 'verify':
        return await (await import('./verification-commands')).runVerifyCommand(rest, io, await servicesOpener(io));
      case 'message':
        return await (await import('./verification-commands')).runMessageCommand(rest, io, await servicesOpener(io));
      case 'report':
        return await (await import('./verification-commands')).runReportCommand(rest, io, await servicesOpener(io));
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

/**
 * The commands take a synchronous `openServices`: the composition root's modules are
 * imported here first, and the services themselves are built only if the command calls it.
 */
async function servicesOpener(io: CliIo, mode: Services['mode'] = 'cli'): Promise<() => Services> {
  const { openServices } = await import('./open-services');
  return () => openServices(io, mode);
}

async function smtpServicesOpener(io: CliIo): Promise<() => Pick<Services, 'createDispatcher'>> {
  const { openSmtpServices } = await import('./smtp-services');
  return () => openSmtpServices(io);
}

async function checkServicesOpener(io: CliIo): Promise<() => Pick<Services, 'store' | 'createDispatcher'>> {
  const { openCheckServices } = await import('./check-services');
  return () => openCheckServices(io);
}

/** `--dns-server` among the options (before a `--`, after which everything is positional). */
function givesDnsServer(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--dns-server' || a.startsWith('--dns-server='));
}

/** The opener of a command run that does not need the services: calling it is a bug here. */
function servicesNotLoaded(command: string): () => Services {
  return () => {
    throw new Error(`relayproof ${command} opened the services although it was run without needing them`);
  };
}

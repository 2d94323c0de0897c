/**
 * `relayproof` command line: the same services as the app, human or `--json` output.
 * Exit codes: 0 success, 1 a check failed, 2 usage or input error.
 */
// Only what `--help` needs is imported here: every command's modules (and with them zod,
// nodemailer, mailauth, imapflow, msal-node ...) load with `import()` when that command
// runs, so the bundler puts each in its own chunk and a start costs about a bare `node`.
import { APP_VERSION } from '../app/version';
import type { Services } from '../services';
import { COMMANDS, commandNames, findCommand } from './command-table';
import { completionScript, SHELLS, type Shell } from './completion';
import { commandUsage, mainUsage } from './help';
import type { CliIo, ExitCode } from './io';
import { nearestName } from './nearest-name';
import { takeHandedOver } from './early-handover';
import { SECRET_OPTIONS } from './secret-options';

const EARLY_MODULES: Readonly<Record<string, () => Promise<unknown>>> = {
  check: () => import('./dns-commands'),
  spf: () => import('./spf-command'),
  smtp: () => import('./smtp-commands'),
};

/** Exit codes of the paths that load nothing (the same values as io.ts's EXIT). */
const OK = 0;
const USAGE_ERROR = 2;

export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [command, ...rest] = argv;
  const secretArg = argv.find((a) => SECRET_OPTIONS.test(a));
  // The usage text is Relayproof's own, with nothing a terminal would obey or hide, so it is
  // written as it is, without loading the escaping (run.test.ts checks it is unchanged by it).
  if (secretArg === undefined) {
    const answered = answerWithoutLoading(argv, io);
    if (answered !== undefined) return answered;
  }
  // check: the head of the SPF chain is asked before anything else loads (check-early-question.ts),
  // by the starter when the CLI was started through it (start.ts), else here.
  const handedOver = takeHandedOver();
  const earlyQuestion = command !== 'check' || secretArg !== undefined ? null : handedOver !== undefined ? handedOver.question : (await import('./check-early-question')).askEarlyCheckQuestion(rest);
  // The commands whose time is benchmarked against other tools start loading their module
  // with io's, which it imports as well: one round of module loading instead of two in turn.
  // The switch below imports the same module and gets this load.
  const commandModule = command === undefined || secretArg !== undefined ? undefined : EARLY_MODULES[command]?.();
  commandModule?.catch(() => undefined);
  const { EXIT, printErrorText, UsageError } = await import('./io');
  if (secretArg !== undefined) {
    printErrorText(io, `Refusing ${secretArg.split('=')[0]}: a secret on the command line is visible to every user through \`ps\` and lands in shell history. Pipe it in with --password-stdin instead.\n`);
    return EXIT.usage;
  }
  try {
    const group = COMMANDS.find((c) => c.subcommands !== undefined && commandNames(c).includes(command ?? ''));
    const [sub] = rest;
    if (group !== undefined && sub !== undefined && !sub.startsWith('-') && !(group.subcommands ?? []).some((s) => s.name === sub)) {
      throw new UsageError(unknownSubcommand(group.name, sub));
    }
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
        try {
          return await (await import('./dns-commands')).runCheckCommand(rest, io, async () => (await import('./check-services')).openCheckServices(io), earlyQuestion);
        } finally {
          // Not taken (refused input, other servers): closed without waiting for its answer.
          earlyQuestion?.discard();
        }
      case 'spf':
        // With --dns-server the command needs no services (they give only the saved DNS
        // servers), so it does not load the composition root at all.
        return await (await import('./spf-command')).runSpfCommand(rest, io, givesDnsServer(rest) ? servicesNotLoaded('spf') : await servicesOpener(io));
      case 'smtp':
        // The SMTP channels alone (settings, reply catalogue, the connection-test path), not the composition root.
        return await (await import('./smtp-commands')).runSmtpCommand(rest, io, await smtpServicesOpener(io));
      case 'explain':
        return await (await import('./smtp-commands')).runExplainCommand(rest, io, await servicesOpener(io));
      case 'blocklist':
        // Like spf: with --dns-server nothing but the list file is needed; else the settings' DNS servers.
        return await (await import('./blocklist-commands')).runBlocklistCommand(rest, io, givesDnsServer(rest) ? settingsNotRead('blocklist') : () => readSettings(io));
      case 'bounce':
        return await (await import('./bounce-commands')).runBounceCommand(rest, io);
      case 'm365':
        return await (await import('./m365-commands')).runM365Command(rest, io, await servicesOpener(io));
      case 'zendesk':
        // The export file and the data files only: no composition root, settings or keychain.
        return await (await import('./zendesk-commands')).runZendeskCommand(rest, io);
      case 'status':
        return await (await import('./verification-commands')).runStatusCommand(rest, io, await servicesOpener(io));
      case 'verify':
        return await (await import('./verification-commands')).runVerifyCommand(rest, io, await servicesOpener(io));
      case 'message':
        return await (await import('./verification-commands')).runMessageCommand(rest, io, await servicesOpener(io));
      case 'report':
        return await (await import('./verification-commands')).runReportCommand(rest, io, await servicesOpener(io));
      case 'platform':
      case 'platforms':
        // The data files only: no composition root, settings or keychain.
        return await (await import('./platform-commands')).runPlatformCommand(rest, io);
      case 'dmarc-report':
        // Files alone need no services; --address opens them for the address and its last proof.
        return await (await import('./dmarc-report-command')).runDmarcReportCommand(rest, io, givesOption(rest, 'address') ? await servicesOpener(io) : servicesNotLoaded('dmarc-report'));
      case 'help': {
        // Only a name the table does not know gets here: the known ones were answered above.
        const [name, subName] = rest;
        const found = findCommand(rest);
        if (found === undefined) throw new UsageError(unknownCommand(name ?? ''));
        throw new UsageError(unknownSubcommand(found.command.name, subName ?? ''));
      }
      case 'completion':
        throw new UsageError(`Give the shell: relayproof completion ${SHELLS.join('|')}.`);
      default:
        throw new UsageError(unknownCommand(command ?? ''));
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

async function smtpServicesOpener(io: CliIo): Promise<() => Promise<Pick<Services, 'createDispatcher'>>> {
  const { openSmtpServices } = await import('./smtp-services');
  return () => openSmtpServices(io);
}


/** `--dns-server` among the options (before a `--`, after which everything is positional). */
function givesDnsServer(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--dns-server' || a.startsWith('--dns-server='));
}

/** `--NAME` among the options (before a `--`). */
function givesOption(args: readonly string[], name: string): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
}

/** The opener of a command run that does not need the services: calling it is a bug here. */
function servicesNotLoaded(command: string): () => Services {
  return () => {
    throw new Error(`relayproof ${command} opened the services although it was run without needing them`);
  };
}

/** The settings as a read-only command gets them (store/settings-snapshot.ts), without the services. */
async function readSettings(io: CliIo) {
  const [{ readCommandSettings }, { defaultDataDirectory }, { cliLogger }] = await Promise.all([import('../store/settings-snapshot'), import('../app/data-directory'), import('./cli-logger')]);
  const directory = defaultDataDirectory(io.env);
  return readCommandSettings(directory, cliLogger(directory));
}

function settingsNotRead(command: string): () => Promise<never> {
  return () => Promise.reject(new Error(`relayproof ${command} read the settings although --dns-server named the servers`));
}

/** The end of the options: after `--`, `--help` is a value (`explain -- --help`). */
function optionsPart(args: readonly string[]): readonly string[] {
  const end = args.indexOf('--');
  return end === -1 ? args : args.slice(0, end);
}

/**
 * Usage, version and completion scripts: answered from the command table alone, before any
 * command's modules (or zod) load. Undefined when the command has to run (or a mistyped name
 * has to be echoed, which takes the escaping in io.ts).
 */
function answerWithoutLoading(argv: readonly string[], io: CliIo): ExitCode | undefined {
  const [command, ...rest] = argv;
  const asksHelp = optionsPart(rest).some((a) => a === '--help' || a === '-h');
  const named = command === undefined ? undefined : findCommand([command, ...rest.filter((a) => !a.startsWith('-'))]);
  if (asksHelp && named !== undefined) {
    io.stdout.write(commandUsage(named.command, named.path));
    return OK;
  }
  switch (command) {
    case undefined:
      io.stderr.write(mainUsage());
      return USAGE_ERROR;
    case '--help':
    case '-h':
      io.stdout.write(mainUsage());
      return OK;
    case '--version':
    case 'version':
      io.stdout.write(`${APP_VERSION}\n`);
      return OK;
    case 'help': {
      const words = rest.filter((a) => !a.startsWith('-'));
      if (words.length === 0) {
        io.stdout.write(mainUsage());
        return OK;
      }
      const found = findCommand(words);
      // A subcommand that is not there (`help smtp tset`) is a typo to point out, not the group's usage.
      if (found === undefined || (words.length > 1 && found.path.length === 1 && found.command.subcommands !== undefined)) return undefined;
      io.stdout.write(commandUsage(found.command, found.path));
      return OK;
    }
    case 'completion': {
      const [shell, ...extra] = rest.filter((a) => a !== '--json');
      if (shell === undefined || extra.length > 0 || !(SHELLS as readonly string[]).includes(shell)) return undefined;
      io.stdout.write(completionScript(shell as Shell));
      return OK;
    }
  }
  return undefined;
}

function unknownCommand(name: string): string {
  const near = nearestName(name, COMMANDS.flatMap((c) => [c.name]));
  return `Unknown command "${name}".${near !== undefined ? ` Did you mean \`relayproof ${near}\`?` : ''} Run \`relayproof --help\` for the list.`;
}

function unknownSubcommand(group: string, name: string): string {
  const command = COMMANDS.find((c) => c.name === group);
  const subs = (command?.subcommands ?? []).map((s) => s.name);
  const near = nearestName(name, subs);
  const usage = command === undefined ? '' : `\n\n${commandUsage(command, [command.name]).trimEnd()}`;
  return `Unknown subcommand "${name}" of relayproof ${group}.${near !== undefined ? ` Did you mean \`relayproof ${group} ${near}\`?` : ''}${usage}`;
}

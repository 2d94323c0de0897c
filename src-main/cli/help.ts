/**
 * The usage texts, generated from the command table. Imports no command module: `--help`
 * costs about a bare `node`.
 */
import { APP_VERSION } from '../app/version';
import { COMMANDS, COMMON_OPTIONS, type CliCommand, type CliOption } from './command-table';

/** `relayproof --help`: every command with its summary. */
export function mainUsage(): string {
  const lines = [`Relayproof ${APP_VERSION}: prove a SaaS platform's SMTP connector credentials from this workstation.`, '', 'Usage: relayproof <command> [options]', '', 'Commands:'];
  for (const command of COMMANDS) {
    for (const sub of command.subcommands ?? [command]) {
      const name = sub === command ? command.name : `${command.name} ${sub.name}`;
      lines.push(...columns(name, sub.summary));
    }
  }
  lines.push(
    '',
    'Options:',
    ...optionLines([...COMMON_OPTIONS, { name: 'version', help: 'Print the version' }]),
    '',
    'Run `relayproof help <command>` (or `relayproof <command> --help`) for a command\'s options.',
    'Secrets are read only from standard input (--password-stdin), never from arguments.',
    'Data directory: $RELAYPROOF_DATA_DIR, or the platform\'s config folder.',
    '',
  );
  return lines.join('\n');
}

/** The usage of one command or subcommand (`path` as the table names it, `['smtp', 'test']`). */
export function commandUsage(command: CliCommand, path: readonly string[]): string {
  const name = `relayproof ${path.join(' ')}`;
  const subs = command.subcommands ?? [];
  if (subs.length > 0) {
    const lines = [`Usage: ${name} <subcommand> [options]`, '', `${command.summary}.`, '', 'Subcommands:'];
    for (const sub of subs) lines.push(...columns(`${name} ${sub.name}`, sub.summary));
    lines.push('', `Run \`relayproof help ${path.join(' ')} <subcommand>\` for a subcommand's options.`, '');
    return lines.join('\n');
  }
  const lines = [`Usage: ${name}${command.synopsis === '' ? '' : ` ${command.synopsis}`} [--json]`, '', `${command.summary}.`];
  if (command.details !== undefined) lines.push(command.details);
  lines.push('', 'Options:', ...optionLines([...command.options, ...COMMON_OPTIONS]), '');
  return lines.join('\n');
}

function optionLines(options: readonly CliOption[]): string[] {
  return options.flatMap((o) => columns(`--${o.name}${o.value === undefined ? '' : ` ${o.value}`}${o.multiple === true ? '...' : ''}`, o.help));
}

/** A name and its description in two columns; a long name puts the description on its own line. */
function columns(name: string, description: string): string[] {
  const width = 32;
  return name.length + 2 < width ? [`  ${name.padEnd(width - 2)}${description}`] : [`  ${name}`, `${' '.repeat(width)}${description}`];
}

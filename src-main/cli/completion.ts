/**
 * `relayproof completion bash|zsh|fish`: completion scripts generated from the command table,
 * so they offer exactly the commands, subcommands and options the commands parse. Names in the
 * table are plain `[a-z0-9-]` words (completion.test.ts checks it), so they need no quoting in a
 * shell; descriptions are quoted.
 */
import { COMMANDS, COMMON_OPTIONS, commandNames, type CliCommand } from './command-table';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export function completionScript(shell: Shell): string {
  switch (shell) {
    case 'bash':
      return bashScript();
    case 'zsh':
      return zshScript();
    case 'fish':
      return fishScript();
  }
}

/** A command that runs on its own (a leaf), with the words that name it. */
interface Leaf {
  /** Every way to name it: `['address add', 'addresses add']`. */
  readonly keys: readonly string[];
  readonly command: CliCommand;
}

function leaves(): Leaf[] {
  return COMMANDS.flatMap((c) =>
    c.subcommands === undefined ? [{ keys: commandNames(c), command: c }] : c.subcommands.map((s) => ({ keys: commandNames(c).map((n) => `${n} ${s.name}`), command: s })),
  );
}

function optionWords(command: CliCommand): string {
  return [...command.options, ...COMMON_OPTIONS].map((o) => `--${o.name}`).join(' ');
}

/** Single-quoted for a POSIX shell (bash, zsh). */
function quoted(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

const TOP_WORDS = (): string => COMMANDS.flatMap(commandNames).join(' ');

function bashScript(): string {
  const grouped = COMMANDS.filter((c) => c.subcommands !== undefined);
  const lines = [
    '# relayproof completion for bash: source <(relayproof completion bash)',
    '_relayproof() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" cmd="${COMP_WORDS[1]}" key first=2',
    '  COMPREPLY=()',
    '  if [[ $COMP_CWORD -eq 1 ]]; then',
    `    COMPREPLY=( $(compgen -W ${quoted(`${TOP_WORDS()} --help --version`)} -- "$cur") )`,
    '    return',
    '  fi',
    '  case "$cmd" in',
  ];
  for (const c of grouped) {
    lines.push(`    ${commandNames(c).join('|')})`);
    lines.push('      if [[ $COMP_CWORD -eq 2 ]]; then');
    lines.push(`        COMPREPLY=( $(compgen -W ${quoted((c.subcommands ?? []).map((s) => s.name).join(' '))} -- "$cur") )`);
    lines.push('        return');
    lines.push('      fi');
    lines.push(`      key="${c.name} \${COMP_WORDS[2]}"; first=3 ;;`);
  }
  lines.push('    *) key="$cmd" ;;', '  esac');
  lines.push('  case "$key:$prev" in');
  for (const leaf of leaves()) {
    for (const o of leaf.command.options) {
      if (o.choices !== undefined) lines.push(`    ${quoted(`${leaf.keys[0] ?? ''}:--${o.name}`)}) COMPREPLY=( $(compgen -W ${quoted(o.choices.join(' '))} -- "$cur") ); return ;;`);
    }
  }
  lines.push('  esac');
  lines.push('  if [[ "$cur" == -* ]]; then', '    case "$key" in');
  for (const leaf of leaves()) lines.push(`      ${quoted(leaf.keys[0] ?? '')}) COMPREPLY=( $(compgen -W ${quoted(optionWords(leaf.command))} -- "$cur") ) ;;`);
  lines.push('    esac', '    return', '  fi');
  lines.push('  if [[ $COMP_CWORD -eq $first ]]; then', '    case "$key" in');
  for (const leaf of leaves()) {
    if (leaf.command.arguments !== undefined) lines.push(`      ${quoted(leaf.keys[0] ?? '')}) COMPREPLY=( $(compgen -W ${quoted(leaf.command.arguments.join(' '))} -- "$cur") ) ;;`);
  }
  lines.push(`      help) COMPREPLY=( $(compgen -W ${quoted(TOP_WORDS())} -- "$cur") ) ;;`);
  lines.push('    esac', '  fi', '}', '# Files for FILE, FILE.eml and the like when nothing above applies.', 'complete -o default -F _relayproof relayproof', '');
  return lines.join('\n');
}

/** A `name:description` entry for zsh's _describe, its colons escaped. */
function described(name: string, description: string): string {
  return quoted(`${name}:${description.replaceAll(':', '\\:')}`);
}

function zshScript(): string {
  const lines = [
    '#compdef relayproof',
    '# relayproof completion for zsh: relayproof completion zsh > "${fpath[1]}/_relayproof"',
    '_relayproof() {',
    // `path` is zsh's own array tied to $PATH: never use it as a variable name here.
    '  local cmd=${words[2]} key first=3',
    '  local -a entries',
    '  if (( CURRENT == 2 )); then',
    `    entries=(${COMMANDS.flatMap((c) => commandNames(c).map((n) => described(n, c.summary))).join(' ')})`,
    "    _describe 'command' entries",
    '    return',
    '  fi',
    '  case $cmd in',
  ];
  for (const c of COMMANDS.filter((x) => x.subcommands !== undefined)) {
    lines.push(`    ${commandNames(c).join('|')})`);
    lines.push('      if (( CURRENT == 3 )); then');
    lines.push(`        entries=(${(c.subcommands ?? []).map((s) => described(s.name, s.summary)).join(' ')})`);
    lines.push("        _describe 'subcommand' entries");
    lines.push('        return');
    lines.push('      fi');
    lines.push(`      key="${c.name} \${words[3]}"; first=4 ;;`);
  }
  lines.push('    *) key=$cmd; first=3 ;;', '  esac');
  lines.push('  case "$key:${words[CURRENT-1]}" in');
  for (const leaf of leaves()) {
    for (const o of leaf.command.options) {
      if (o.choices !== undefined) lines.push(`    ${quoted(`${leaf.keys[0] ?? ''}:--${o.name}`)}) compadd -- ${o.choices.join(' ')}; return ;;`);
    }
  }
  lines.push('  esac');
  lines.push("  if [[ ${words[CURRENT]} == -* ]]; then", '    case "$key" in');
  for (const leaf of leaves()) {
    const entries = [...leaf.command.options, ...COMMON_OPTIONS].map((o) => described(`--${o.name}`, o.help)).join(' ');
    lines.push(`      ${quoted(leaf.keys[0] ?? '')}) entries=(${entries}) ;;`);
  }
  lines.push('    esac', "    _describe 'option' entries", '    return', '  fi');
  lines.push('  if (( CURRENT == first )); then', '    case "$key" in');
  for (const leaf of leaves()) {
    if (leaf.command.arguments !== undefined) lines.push(`      ${quoted(leaf.keys[0] ?? '')}) compadd -- ${leaf.command.arguments.join(' ')}; return ;;`);
  }
  lines.push(`      help) compadd -- ${TOP_WORDS()}; return ;;`);
  lines.push('    esac', '  fi', '  _files', '}', '_relayproof "$@"', '');
  return lines.join('\n');
}

/** Quoted for fish: inside single quotes only `\` and `'` are special. */
function fishQuoted(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function fishScript(): string {
  const lines = ['# relayproof completion for fish: relayproof completion fish > ~/.config/fish/completions/relayproof.fish'];
  const top = COMMANDS.flatMap(commandNames).join(' ');
  lines.push(`complete -c relayproof -n __fish_use_subcommand -l version -d 'Print the version'`);
  for (const c of COMMANDS) {
    for (const n of commandNames(c)) lines.push(`complete -c relayproof -f -n __fish_use_subcommand -a ${n} -d ${fishQuoted(c.summary)}`);
  }
  lines.push(`complete -c relayproof -f -n '__fish_seen_subcommand_from help' -a ${fishQuoted(top)}`);
  const optionLine = (condition: string, o: { name: string; value?: string; choices?: readonly string[]; help: string }): string =>
    `complete -c relayproof -n ${fishQuoted(condition)} -l ${o.name}${o.value === undefined ? '' : o.choices === undefined ? ' -r' : ` -x -a ${fishQuoted(o.choices.join(' '))}`} -d ${fishQuoted(o.help)}`;
  for (const c of COMMANDS) {
    const names = commandNames(c).join(' ');
    if (c.subcommands === undefined) {
      const condition = `__fish_seen_subcommand_from ${names}`;
      if (c.arguments !== undefined) lines.push(`complete -c relayproof -f -n ${fishQuoted(condition)} -a ${fishQuoted(c.arguments.join(' '))}`);
      for (const o of [...c.options, ...COMMON_OPTIONS]) lines.push(optionLine(condition, o));
      continue;
    }
    const subNames = c.subcommands.map((s) => s.name).join(' ');
    for (const s of c.subcommands) {
      lines.push(`complete -c relayproof -f -n ${fishQuoted(`__fish_seen_subcommand_from ${names}; and not __fish_seen_subcommand_from ${subNames}`)} -a ${s.name} -d ${fishQuoted(s.summary)}`);
      const condition = `__fish_seen_subcommand_from ${names}; and __fish_seen_subcommand_from ${s.name}`;
      if (s.arguments !== undefined) lines.push(`complete -c relayproof -f -n ${fishQuoted(condition)} -a ${fishQuoted(s.arguments.join(' '))}`);
      for (const o of [...s.options, ...COMMON_OPTIONS]) lines.push(optionLine(condition, o));
    }
  }
  lines.push('');
  return lines.join('\n');
}

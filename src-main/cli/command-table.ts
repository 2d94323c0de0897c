/**
 * Every `relayproof` command, subcommand and option, once. The commands parse their options
 * from it (`parseConfig`), and `--help`, the "did you mean" suggestions and the shell
 * completion scripts are generated from it, so none of them can list an option the command
 * does not take, or miss one it does.
 *
 * It imports nothing: `--help`, `--version` and `completion` read it without loading any
 * command's modules.
 */

export interface CliOption {
  /** Without the leading `--`. */
  readonly name: string;
  /** The value's placeholder in usage (`H`, `FILE`); absent for a flag. */
  readonly value?: string;
  /** Given more than once, every value is kept (`--dns-server A --dns-server B`). */
  readonly multiple?: boolean;
  /** The values the option accepts, offered by the completion scripts. */
  readonly choices?: readonly string[];
  readonly help: string;
}

export interface CliCommand {
  readonly name: string;
  /** Older names that still run the command. */
  readonly aliases?: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  /** What follows `relayproof <name>` in usage: positionals and options; empty for a command with subcommands. */
  readonly synopsis: string;
  /** More than the summary, for the command's own help. */
  readonly details?: string;
  /** The values the first positional accepts, offered by the completion scripts (`completion bash|zsh|fish`). */
  readonly arguments?: readonly string[];
  readonly options: readonly CliOption[];
  readonly subcommands?: readonly CliCommand[];
}

/** Options every command takes. */
export const COMMON_OPTIONS: readonly CliOption[] = [
  { name: 'json', help: 'Print one JSON object instead of text' },
  { name: 'help', help: 'Show the usage of the command' },
];

const DNS_SERVER: CliOption = { name: 'dns-server', value: 'HOST:PORT', multiple: true, help: 'Ask this DNS server instead of the saved ones (repeatable)' };
const PLATFORMS = ['zendesk', 'zuora', 'zuora-ses', 'clienttether', 'generic'];
const ROUTES = ['connector', 'direct', 'ses'];
/** The security modes a test takes: the options' choices, and what cli/smtp-services.ts accepts before the contract is loaded. */
export const SECURITY: readonly string[] = ['starttls', 'tls', 'none'];
const AUTH_KINDS = ['password', 'app-password', 'api-key', 'oauth2'];
const SHELLS = ['bash', 'zsh', 'fish'];
const ENVIRONMENTS = ['production', 'sandbox', 'developer-sandbox', 'central-sandbox'];

export const COMMANDS: readonly CliCommand[] = [
  {
    name: 'doctor',
    summary: 'What this machine offers Relayproof (keychain, Electron, display, DNS)',
    synopsis: '[--remove-orphans [--force]]',
    details: 'With --remove-orphans, deletes the keychain entries that belong to no address, each checked again just before.',
    options: [
      { name: 'remove-orphans', help: 'Delete keychain entries that belong to no address' },
      { name: 'force', help: 'With --remove-orphans: delete them even while a damaged settings file may still own them' },
    ],
  },
  {
    name: 'address',
    aliases: ['addresses'],
    summary: 'Add, list, test, rotate, remove, export and import addresses',
    synopsis: '',
    options: [],
    subcommands: [
      {
        name: 'add',
        summary: 'Check and save an address; its password goes to the OS keychain',
        synopsis:
          '--address A --platform P --environment ENV --provider ID [--host H --port N --security S] [--user U] [--auth-kind K] [--subdomain S] [--route R] [--relay-selector S]... --password-stdin\n  or: --platform zuora-ses --identity email|domain --address A --environment ENV [--dkim-token T]... [--work-email-domain-confirmed]',
        details: [
          'Host, port, security, username and kind of secret come from the provider\'s preset unless given; --provider custom needs --host, --port and --security.',
          'Zuora advanced SMTP (zuora-ses) is an Amazon SES identity, without server or password (--password-stdin is refused): an email identity covers one address, a domain identity (give the domain or an address at it) the domain and its subdomains.',
          'ENV: production or sandbox; Zuora also developer-sandbox and central-sandbox (sandbox is Zuora\'s API Sandbox).',
        ].join('\n'),
        options: [
          { name: 'address', value: 'A', help: 'The sending address' },
          { name: 'platform', value: 'P', choices: PLATFORMS, help: 'The SaaS platform that sends as the address' },
          { name: 'environment', value: 'ENV', choices: ENVIRONMENTS, help: 'production or sandbox (Zuora: also developer-sandbox, central-sandbox)' },
          { name: 'provider', value: 'ID', help: 'The mail provider preset, or custom' },
          { name: 'host', value: 'H', help: 'SMTP server (default: the preset\'s)' },
          { name: 'port', value: 'N', help: 'SMTP port (default: the preset\'s)' },
          { name: 'security', value: 'S', choices: SECURITY, help: 'starttls, tls or none' },
          { name: 'user', value: 'U', help: 'The username the server signs in with' },
          { name: 'auth-kind', value: 'K', choices: AUTH_KINDS, help: 'The kind of secret' },
          { name: 'subdomain', value: 'S', help: 'The platform account\'s subdomain (such as yourcompany in yourcompany.zendesk.com)' },
          { name: 'route', value: 'R', choices: ROUTES, help: 'The platform\'s sending route' },
          { name: 'relay-selector', value: 'S', multiple: true, help: 'A DKIM selector the relay signs with (repeatable)' },
          { name: 'password-stdin', help: 'Read the password from standard input' },
          { name: 'identity', value: 'KIND', choices: ['email', 'domain'], help: 'zuora-ses: an email or a domain identity (Amazon SES)' },
          { name: 'dkim-token', value: 'T', multiple: true, help: "zuora-ses domain identity: a token of Zuora's DKIM Settings (three times)" },
          { name: 'work-email-domain-confirmed', help: 'zuora-ses: an active Zuora user has a work email on this domain' },
        ],
      },
      { name: 'list', summary: 'The addresses and SES identities: setup, last test, credential age, rotation due, verification', synopsis: '', options: [] },
      {
        name: 'test',
        summary: 'Test the saved server with the stored password',
        synopsis: 'ID [--send-as]',
        options: [{ name: 'send-as', help: 'Also check that the account may send as the address' }],
      },
      {
        name: 'rotate',
        summary: 'Test a new password first, then replace the stored one',
        synopsis: 'ID --password-stdin',
        details: 'If the server refuses the new password, the old one stays stored and in use (exit 1).',
        options: [{ name: 'password-stdin', help: 'Read the new password from standard input' }],
      },
      {
        name: 'remove',
        summary: 'Disconnect: delete the configuration and the keychain entry',
        synopsis: 'ID [--yes]',
        options: [{ name: 'yes', help: 'Do not ask for confirmation (needed in a script)' }],
      },
      { name: 'export', summary: 'Non-secret configuration of every address as JSON', synopsis: 'FILE', options: [] },
      { name: 'import', summary: 'Import an export; every bad row is reported with its reason', synopsis: 'FILE', options: [] },
      {
        name: 'verify-identity',
        summary: 'An SES identity: record what Zuora shows, save its DKIM tokens, or check its CNAMEs in DNS',
        synopsis: 'ID (--state pending|success|failed | --dkim-token T --dkim-token T --dkim-token T | --dns [--dns-server HOST:PORT]...)',
        details: 'Zuora has no API to ask, so --state records its Verification Status column. --dns exits 0 when all three CNAMEs resolve to Amazon SES.',
        options: [
          { name: 'state', value: 'STATE', choices: ['pending', 'success', 'failed'], help: "What Zuora's Verification Status column shows" },
          { name: 'dkim-token', value: 'T', multiple: true, help: "A token of Zuora's DKIM Settings (three times)" },
          { name: 'dns', help: 'Look up the three DKIM CNAMEs' },
          DNS_SERVER,
        ],
      },
      {
        name: 'set-secret',
        summary: 'Store or replace the secret of an address in the OS keychain',
        synopsis: 'ID --password-stdin',
        options: [{ name: 'password-stdin', help: 'Read the secret from standard input' }],
      },
    ],
  },
  {
    name: 'serve',
    summary: 'Start browser mode on 127.0.0.1 and print its URL',
    synopsis: '[--port N] [--no-open]',
    options: [
      { name: 'port', value: 'N', help: 'Listen on this port (0 or absent: a random free one)' },
      { name: 'no-open', help: 'Print the link without opening a browser' },
    ],
  },
  {
    name: 'check',
    summary: 'The SPF/DKIM/DMARC/MX/PTR checklist judged for the platform\'s sending route',
    synopsis: 'DOMAIN [--platform P] [--route connector|direct|ses] [--relay-selector S]... [--selector S]... [--ip IP] [--smtp-host H] [--helo NAME] [--forward-to ADDR] [--from ADDR [--environment ENV]] [--dns-server HOST:PORT]...',
    details: 'With the records to publish; exit 0 when nothing required on the route fails.',
    options: [
      { name: 'platform', value: 'P', choices: PLATFORMS, help: 'The SaaS platform that sends for the domain' },
      { name: 'route', value: 'R', choices: ROUTES, help: 'The platform\'s sending route' },
      { name: 'relay-selector', value: 'S', multiple: true, help: 'A DKIM selector the relay signs with (repeatable)' },
      { name: 'selector', value: 'S', multiple: true, help: 'An extra DKIM selector to check (repeatable)' },
      { name: 'ip', value: 'IP', help: 'The sending IP, for SPF and PTR' },
      { name: 'smtp-host', value: 'H', help: "Your mail server: its address stands in for --ip (SPF, PTR) until one is known" },
      { name: 'helo', value: 'NAME', help: 'The name your mail server greets with (EHLO)' },
      { name: 'forward-to', value: 'ADDR', help: "Where mail to the address is forwarded (the platform's support address)" },
      { name: 'from', value: 'ADDR', help: 'zuora-ses: which saved SES identity covers this From address (exit 1 when none does)' },
      { name: 'environment', value: 'ENV', choices: ENVIRONMENTS, help: 'With --from: the Zuora environment that sends (only identities it shares verifications with count)' },
      DNS_SERVER,
    ],
  },
  {
    name: 'smtp',
    summary: 'Test an SMTP server phase by phase, or probe its ports',
    synopsis: '',
    options: [],
    subcommands: [
      {
        name: 'test',
        summary: 'Every phase from DNS to QUIT, with the diagnosis when one fails',
        synopsis:
          '--host H --port P --security starttls|tls|none [--user U --password-stdin] [--auth-kind K] [--platform P] --from ADDR [--to ADDR] [--send] [--ehlo NAME] [--pin SHA256] [--dns-server HOST:PORT]... [--transcript]',
        options: [
          { name: 'host', value: 'H', help: 'SMTP server' },
          { name: 'port', value: 'P', help: 'SMTP port' },
          { name: 'security', value: 'S', choices: SECURITY, help: 'starttls, tls or none' },
          { name: 'user', value: 'U', help: 'Username for AUTH' },
          { name: 'auth-kind', value: 'K', choices: AUTH_KINDS, help: 'The kind of secret' },
          { name: 'password-stdin', help: 'Read the password from standard input' },
          { name: 'platform', value: 'P', choices: PLATFORMS, help: "After a pass: the values of the platform's own SMTP form (Zuora's External SMTP) and the mail service's sending limits" },
          { name: 'from', value: 'ADDR', help: 'The sending address (checks send-as)' },
          { name: 'to', value: 'ADDR', help: 'The recipient of --send' },
          { name: 'send', help: 'Also send a real test message' },
          { name: 'ehlo', value: 'NAME', help: 'The name to greet the server with' },
          { name: 'pin', value: 'SHA256', help: 'Trust the server certificate with this SHA-256 fingerprint' },
          DNS_SERVER,
          { name: 'transcript', help: 'Print the SMTP conversation (secrets redacted)' },
        ],
      },
      {
        name: 'probe',
        summary: 'Which ports and security modes HOST offers, and which to use',
        synopsis: 'HOST [--port N]... [--dns-server HOST:PORT]...',
        options: [{ name: 'port', value: 'N', multiple: true, help: 'A port to try (repeatable; default 25, 465, 587, 2525, 2465, 2587)' }, DNS_SERVER],
      },
    ],
  },
  {
    name: 'explain',
    summary: 'What an SMTP reply, bounce or SaaS error means and how to fix it',
    synopsis: '"TEXT"',
    options: [],
  },
  {
    name: 'spf',
    summary: 'The SPF include tree with its DNS-lookup budget',
    synopsis: 'DOMAIN [--ip IP] [--sender ADDR] [--helo NAME] [--dns-server HOST:PORT]...',
    details: 'With --ip, the verdict a receiving server would reach.',
    options: [
      { name: 'ip', value: 'IP', help: 'The sending IP to judge' },
      { name: 'sender', value: 'ADDR', help: 'The envelope sender' },
      { name: 'helo', value: 'NAME', help: 'The HELO name' },
      DNS_SERVER,
    ],
  },
  {
    name: 'blocklist',
    summary: 'An IP address or domain against the DNS blocklists (Spamhaus, SpamCop, Barracuda ...)',
    synopsis: 'TARGET [--list ZONE]... [--dns-server HOST:PORT]...',
    details: 'TARGET is an IPv4 or IPv6 address or a domain. Exit 0 when no list blocks it and every list answered.',
    options: [{ name: 'list', value: 'ZONE', multiple: true, help: 'Ask this list (its DNS zone) instead of the default ones (repeatable)' }, DNS_SERVER],
  },
  {
    name: 'bounce',
    summary: 'What a bounce (DSN, NDR) says per recipient, who sent it, and what to do',
    synopsis: 'FILE.eml',
    details: 'Exit 0 when the file is a bounce or delivery notification, 1 when it is another message (an auto-reply too), 2 when it cannot be read.',
    options: [],
  },
  {
    name: 'm365',
    summary: 'Microsoft 365 SMTP AUTH: readiness checklist, PowerShell scripts, app-only tokens',
    synopsis: '',
    options: [],
    subcommands: [
      {
        name: 'checklist',
        summary: 'Microsoft 365 SMTP AUTH readiness for a mailbox',
        synopsis: '--upn UPN [--from ADDR] [--error TEXT] [--mark ITEM=STATE]...',
        details: 'A pasted error marks the item it proves wrong, with its fix.',
        options: [
          { name: 'upn', value: 'UPN', help: 'The mailbox that signs in' },
          { name: 'from', value: 'ADDR', help: 'The address it sends as' },
          { name: 'error', value: 'TEXT', help: 'An error the platform or server showed' },
          { name: 'mark', value: 'ITEM=STATE', multiple: true, help: 'An item you checked yourself (unknown, ok, problem, not-applicable)' },
        ],
      },
      {
        name: 'script',
        summary: 'The PowerShell for one situation (to FILE, else printed)',
        synopsis: 'check|enable|enable-many|send-as|oauth-setup --upn UPN [--from ADDR] [--app-id ID --object-id ID] [--out FILE]',
        arguments: ['check', 'enable', 'enable-many', 'send-as', 'oauth-setup'],
        options: [
          { name: 'upn', value: 'UPN', multiple: true, help: 'The mailbox (repeatable for enable-many)' },
          { name: 'from', value: 'ADDR', help: 'send-as: the address the mailbox sends as' },
          { name: 'send-on-behalf', help: 'send-as: grant Send on Behalf instead of Send As' },
          { name: 'app-id', value: 'ID', help: 'oauth-setup: the application (client) ID' },
          { name: 'object-id', value: 'ID', help: 'oauth-setup: the enterprise application\'s object ID' },
          { name: 'out', value: 'FILE', help: 'Write the script to FILE' },
        ],
      },
      {
        name: 'token',
        summary: 'An app-only OAuth 2.0 token for SMTP AUTH, explained from its claims',
        synopsis: '--tenant T --client-id C (--client-secret-stdin | --certificate-key-stdin --thumbprint X [--certificate FILE]) [--show-token]',
        details: 'The token itself is printed only with --show-token.',
        options: [
          { name: 'tenant', value: 'T', help: 'The tenant ID or domain' },
          { name: 'client-id', value: 'C', help: 'The application (client) ID' },
          { name: 'client-secret-stdin', help: 'Read the client secret from standard input' },
          { name: 'certificate-key-stdin', help: 'Read the certificate\'s private key (PEM) from standard input' },
          { name: 'thumbprint', value: 'X', help: 'The certificate\'s thumbprint as the Entra portal shows it' },
          { name: 'certificate', value: 'FILE', help: 'The certificate, to check the key matches it' },
          { name: 'show-token', help: 'Print the token itself' },
        ],
      },
    ],
  },
  {
    name: 'zendesk',
    summary: 'Zendesk helpers: a script that removes or updates support addresses through its API',
    synopsis: '',
    options: [],
    subcommands: [
      {
        name: 'disconnect-script',
        summary: 'From an address export, a bash (curl) or PowerShell script for Zendesk\'s support-addresses API',
        synopsis: '--from-export FILE --shell bash|powershell [--action remove|update] [--name NAME] [--brand-id ID] [--subdomain S] [--environment ENV] [--out FILE]',
        details:
          'The script looks up each address\'s Zendesk id by email (GET /api/v2/recipient_addresses), then removes or updates it, one at a time with a pause. It reads ZENDESK_EMAIL and ZENDESK_API_TOKEN from the environment: the token is never written into it. Run it at a low-traffic time. Without --out, the script goes to standard output and the summary to standard error.',
        options: [
          { name: 'from-export', value: 'FILE', help: 'The address export (relayproof address export, or Export addresses in the app)' },
          { name: 'shell', value: 'SHELL', choices: ['bash', 'powershell'], help: 'bash (curl and jq) or powershell' },
          { name: 'action', value: 'ACTION', choices: ['remove', 'update'], help: 'remove (default) or update each address' },
          { name: 'name', value: 'NAME', help: 'With --action update: the new name of every address' },
          { name: 'brand-id', value: 'ID', help: 'With --action update: move every address to this brand' },
          { name: 'subdomain', value: 'S', help: 'The Zendesk account (yourcompany in yourcompany.zendesk.com); default: the export\'s' },
          { name: 'environment', value: 'ENV', choices: ['sandbox', 'production'], help: 'Only the addresses of this environment' },
          { name: 'out', value: 'FILE', help: 'Write the script to this file instead of standard output' },
        ],
      },
    ],
  },
  {
    name: 'status',
    summary: 'Verification status per address, with the 72-hour DNS countdowns',
    synopsis: '[ADDRESS_ID] [--watch] [--reset] | --all [--recheck] [--concurrency N] [--per-host N] [--platform P]',
    details: [
      'With --all, every address in one list with a summary per mail server; --recheck re-checks them all first.',
      'A re-check of all addresses reads DNS once per name, opens at most --per-host (default 2) connections to one server and --concurrency (default 8) in all;',
      'a server that answers "too many connections" slows only its own queue. An address checked in the last 30 s is shown as it stands.',
      'With --all, exit 0 when every address is verified, 1 otherwise.',
    ].join('\n'),
    options: [
      { name: 'watch', help: 'Keep re-checking and print every change' },
      { name: 'reset', help: 'Restart the 72-hour window of ADDRESS_ID' },
      { name: 'all', help: 'Every address at once, with a summary per mail server' },
      { name: 'recheck', help: 'With --all: re-check every address first' },
      { name: 'concurrency', value: 'N', help: 'With --all --recheck: re-checks at a time (default 8; 1 = one at a time)' },
      { name: 'per-host', value: 'N', help: 'With --all --recheck: connections to one mail server at a time (default 2)' },
      { name: 'platform', value: 'P', choices: PLATFORMS, help: "With --all: only this platform's addresses" },
    ],
  },
  {
    name: 'verify',
    summary: 'Send the verification email and prove SPF, DKIM, DMARC and the platform headers',
    synopsis: 'ADDRESS_ID [--imap-host H --imap-user U --imap-password-stdin [--imap-port N] [--imap-security tls|starttls] [--imap-ca FILE]] [--wait SECONDS] [--eml FILE]',
    details: 'Finds the message in the mailbox, or reads a saved .eml with --eml.',
    options: [
      { name: 'imap-host', value: 'H', help: 'The mailbox\'s IMAP server' },
      { name: 'imap-port', value: 'N', help: 'IMAP port' },
      { name: 'imap-security', value: 'S', choices: ['tls', 'starttls'], help: 'tls or starttls' },
      { name: 'imap-user', value: 'U', help: 'IMAP username' },
      { name: 'imap-password-stdin', help: 'Read the IMAP password from standard input' },
      { name: 'imap-ca', value: 'FILE', help: 'A CA certificate to trust for IMAP' },
      { name: 'wait', value: 'SECONDS', help: 'How long to wait for the message' },
      { name: 'eml', value: 'FILE', help: 'Verify a saved message instead of sending one' },
    ],
  },
  {
    name: 'message',
    summary: 'Check a received message',
    synopsis: '',
    options: [],
    subcommands: [
      {
        name: 'verify',
        summary: 'SPF/DKIM/DMARC/ARC of a received message; exit 0 when all pass',
        synopsis: 'FILE.eml [--dns-server HOST:PORT]...',
        options: [DNS_SERVER],
      },
    ],
  },
  {
    name: 'report',
    summary: 'A verification report without secrets, for a vendor\'s support',
    synopsis: '[ADDRESS_ID] --format html|json --out FILE',
    options: [
      { name: 'format', value: 'F', choices: ['html', 'json'], help: 'html or json' },
      { name: 'out', value: 'FILE', help: 'Where to write the report' },
    ],
  },
  {
    name: 'platform',
    aliases: ['platforms'],
    summary: "A platform's routes, limits, records, console paths, form values and sources, from Relayproof's data",
    synopsis: '',
    options: [],
    subcommands: [
      {
        name: 'show',
        summary: 'Everything Relayproof knows of one platform, each fact with its source',
        synopsis: 'zendesk|zuora|zuora-ses|clienttether|generic',
        details: 'Read from resources/platforms (and the provider presets\' sending limits) only: no settings, keychain or network.',
        arguments: PLATFORMS,
        options: [],
      },
      { name: 'list', summary: 'The platforms Relayproof knows', synopsis: '', options: [] },
    ],
  },
  {
    name: 'dmarc-report',
    summary: 'DMARC aggregate (rua) and TLS-RPT reports: per report, per source IP, totals',
    synopsis: 'FILE... [--address ID]',
    details: [
      'FILE is a report as receivers send it (.xml, .xml.gz, .zip, TLS-RPT .json or .json.gz) or the .eml message that carries one.',
      'With --address, the sources that are the address\'s relay (the IP its proved mail came from, its SMTP server) are flagged.',
      'A file with a DTD, an entity or a zip bomb is refused unread. Exit 0 when every file was read, 1 when some were not, 2 when a file was refused or the usage is wrong.',
    ].join('\n'),
    options: [{ name: 'address', value: 'ID', help: 'Flag this saved address\'s relay IPs among the sources' }],
  },
  {
    name: 'completion',
    summary: 'A shell completion script for bash, zsh or fish',
    synopsis: 'bash|zsh|fish',
    details: [
      'bash: add `source <(relayproof completion bash)` to ~/.bashrc',
      'zsh:  relayproof completion zsh > "${fpath[1]}/_relayproof" (then start a new shell)',
      'fish: relayproof completion fish > ~/.config/fish/completions/relayproof.fish',
    ].join('\n'),
    arguments: SHELLS,
    options: [],
  },
  {
    name: 'help',
    summary: 'The usage of a command',
    synopsis: '[COMMAND [SUBCOMMAND]]',
    options: [],
  },
  { name: 'version', summary: 'The version of Relayproof (also --version)', synopsis: '', options: [] },
];

/** The command a path names (`['smtp', 'test']`), aliases included, and how many words named it. */
export function findCommand(words: readonly string[]): { readonly command: CliCommand; readonly path: readonly string[] } | undefined {
  const [first, second] = words;
  const top = COMMANDS.find((c) => c.name === first || (c.aliases ?? []).includes(first ?? ''));
  if (top === undefined) return undefined;
  const sub = top.subcommands?.find((s) => s.name === second);
  return sub === undefined ? { command: top, path: [top.name] } : { command: sub, path: [top.name, sub.name] };
}

/** The names a command answers to, aliases included. */
export function commandNames(command: CliCommand): readonly string[] {
  return [command.name, ...(command.aliases ?? [])];
}

type ParseConfig = Record<string, { readonly type: 'string' | 'boolean'; readonly multiple?: boolean }>;

/** The node:util parseArgs options of a command (`'smtp test'`); `--json` is added by parseOptions. */
export function parseConfig(path: string): ParseConfig {
  const found = findCommand(path.split(' '));
  if (found === undefined || found.path.join(' ') !== path) throw new Error(`No command "${path}" in the command table`);
  const config: ParseConfig = {};
  for (const option of found.command.options) {
    config[option.name] = option.multiple === true ? { type: option.value === undefined ? 'boolean' : 'string', multiple: true } : { type: option.value === undefined ? 'boolean' : 'string' };
  }
  return config;
}

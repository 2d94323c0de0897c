/**
 * `relayproof address add|list|test|rotate|remove|export|import|set-secret`: the address
 * lifecycle from the command line, through the same dispatcher (and so the same
 * validation, keychain rules and two-phase rotation) as the app. `relayproof addresses`
 * is the same command under its older name.
 */
import { platformGuidance } from './platform-guidance';
import { chmod, writeFile } from 'node:fs/promises';
import {
  addressFieldsSchema,
  environmentSchema,
  MAX_IMPORT_CHARS,
  type AddressView,
  type ChannelInput,
  type ChannelName,
  type ChannelResult,
  type Settings,
} from '../../src-preload/contract';
import { describeIssues } from '../app/input-issues';
import type { Dispatcher } from '../rpc/dispatch';
import { formatReport, summarizeReport } from '../smtp/report-summary';
import type { ConnectionReport } from '../../src-preload/contract/smtp-schemas';
import type { Services } from '../services';
import { cliOperationId, EXIT, parseOptions, oneLine, printErrorText, printJson, printText, readSecretFromStdin, readUserFile, reportError, UsageError, type CliIo, type ExitCode } from './io';
import { parseConfig } from './command-table';
import { presetDefaults } from '../../src-preload/contract/preset-defaults';
import { rotationReminder } from '../../src-preload/contract/rotation-reminder';
import { connectionTestLabel } from '../../src-preload/contract/state-labels';
import { SES_PLATFORM_ID } from '../../src-preload/contract/ses-identities';
import { addIdentity, findIdentity, identitiesForList, printIdentityTable, removeIdentity, runVerifyIdentity, IDENTITY_ADD_USAGE, VERIFY_IDENTITY_USAGE, type IdentityAddValues } from './identity-commands';

const ADD_USAGE =
  'Usage: relayproof address add --address A --platform ID --environment production|sandbox --provider ID [--host H --port N --security starttls|tls] [--user U] [--auth-kind password|app-password|api-key|oauth2] [--subdomain S] [--route connector|direct|ses] [--relay-selector S]... --password-stdin [--json]';
const USAGE = [
  ADD_USAGE,
  IDENTITY_ADD_USAGE.replace('Usage:', '      '),
  '       relayproof address list [--json]',
  '       relayproof address test ID [--send-as] [--json]',
  '       relayproof address rotate ID --password-stdin [--json]',
  '       relayproof address remove ID [--yes] [--json]',
  '       relayproof address export FILE [--json]',
  '       relayproof address import FILE [--json]',
  '       relayproof address set-secret ID --password-stdin [--json]',
  VERIFY_IDENTITY_USAGE.replace('Usage:', '      '),
].join('\n');

const DAY_MS = 86_400_000;

export async function runAddressCommand(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add':
      return add(rest, io, openServices);
    case 'list':
      return list(rest, io, openServices);
    case 'test':
      return test(rest, io, openServices);
    case 'rotate':
      return rotate(rest, io, openServices);
    case 'remove':
      return remove(rest, io, openServices);
    case 'export':
      return exportAddresses(rest, io, openServices);
    case 'import':
      return importAddresses(rest, io, openServices);
    case 'set-secret':
      return setSecret(rest, io, openServices);
    case 'verify-identity':
      return runVerifyIdentity(rest, io, openServices);
    default:
      throw new UsageError(USAGE);
  }
}

/** A typed call through the dispatcher: the contract checks the input, the handler answers. */
async function call<C extends ChannelName>(dispatcher: Dispatcher, channel: C, input: ChannelInput<C>): Promise<ChannelResult<C>> {
  return (await dispatcher.dispatch(channel, input)) as ChannelResult<C>;
}

/** The one ID a command takes, or a usage error naming the command's usage line. */
function onePositional(positionals: readonly string[], usage: string): string {
  const [value] = positionals;
  if (value === undefined || positionals.length !== 1) throw new UsageError(usage);
  return value;
}

/** The saved address with this id, or an error in the admin's words (exit 2: a wrong id is an input error). */
async function findAddress(dispatcher: Dispatcher, io: CliIo, json: boolean, id: string): Promise<AddressView | ExitCode> {
  const listed = await call(dispatcher, 'addresses:list', {});
  if (!listed.ok) return reportError(io, json, listed.error);
  const found = listed.value.find((a) => a.id === id);
  if (found !== undefined) return found;
  return reportError(io, json, {
    code: 'not-found',
    message: `No address with id ${id} is configured.`,
    hint: 'Run `relayproof address list` for the ids.',
  });
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

// ---------------------------------------------------------------------------
// add

/** A --route the platform does not declare (resources/platforms `routes`). */
function routeUnknown(platforms: readonly { readonly id: string; readonly routes: readonly { readonly id: string }[] }[], platform: string, route: string | undefined): boolean {
  return route !== undefined && !(platforms.find((p) => p.id === platform)?.routes.some((r) => r.id === route) ?? false);
}

async function add(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const { values: v } = parseOptions(args, parseConfig('address add'));
  const values = v as {
    json?: boolean;
    address?: string;
    platform?: string;
    environment?: string;
    provider?: string;
    host?: string;
    port?: string;
    security?: string;
    user?: string;
    'auth-kind'?: string;
    subdomain?: string;
    route?: string;
    'relay-selector'?: string[];
    'password-stdin'?: boolean;
    identity?: string;
  };
  // Zuora advanced SMTP is an SES identity: no provider, server or password (identity-commands.ts).
  if (values.identity !== undefined || values.platform === SES_PLATFORM_ID) return addIdentity(v as IdentityAddValues, io, openServices);
  const json = values.json === true;
  const missing = (['address', 'platform', 'environment', 'provider'] as const).filter((k) => values[k] === undefined).map((k) => `--${k}`);
  if (missing.length > 0) throw new UsageError(`Missing ${missing.join(', ')}.\n${ADD_USAGE}`);
  const { address, platform, environment, provider } = values as Required<Pick<typeof values, 'address' | 'platform' | 'environment' | 'provider'>>;
  if (!environmentSchema.safeParse(environment).success) throw new UsageError(`--environment is production or sandbox (Zuora also developer-sandbox or central-sandbox), not "${environment}".`);
  if (values['password-stdin'] !== true) {
    throw new UsageError('Give the password on standard input with --password-stdin (never as an argument): it goes straight to the OS keychain.');
  }

  const dispatcher = openServices().createDispatcher();
  // The platforms are the app's (resources/platforms), listed as the app lists them.
  const platforms = await call(dispatcher, 'platforms:list', {});
  if (!platforms.ok) return reportError(io, json, platforms.error);
  if (!platforms.value.some((p) => p.id === platform)) {
    throw new UsageError(`Unknown platform "${platform}". Choose one of: ${platforms.value.map((p) => `${p.id} (${p.label})`).join(', ')}.`);
  }

  // Host, port and security come from the provider's recommended endpoint unless given;
  // `custom` has no preset, so all three are needed.
  let endpoint: { host?: string; port?: number; security?: string } = {};
  let username = values.user;
  let authKind = values['auth-kind'];
  if (provider === 'custom') {
    const absent = (['host', 'port', 'security'] as const).filter((k) => values[k] === undefined).map((k) => `--${k}`);
    if (absent.length > 0) throw new UsageError(`A custom provider needs ${absent.join(', ')}: there is no preset to take them from.`);
  } else {
    const presets = await call(dispatcher, 'providers:list', {});
    if (!presets.ok) return reportError(io, json, presets.error);
    const preset = presets.value.find((p) => p.id === provider);
    if (preset === undefined) {
      const ids = [...new Set([...presets.value.map((p) => p.id), 'custom'])];
      throw new UsageError(`Unknown provider "${provider}". Choose one of: ${ids.join(', ')} (custom needs --host, --port and --security).`);
    }
    // The wizard's rule: an explicit --user wins, else the preset's fixed name or the address.
    const defaults = presetDefaults(preset, { address, username });
    if (defaults.endpoint !== undefined) endpoint = { host: defaults.endpoint.host, port: defaults.endpoint.port, security: defaults.endpoint.security };
    else {
      const absent = (['host', 'port', 'security'] as const).filter((k) => values[k] === undefined).map((k) => `--${k}`);
      if (absent.length > 0) throw new UsageError(`${preset.name} has no preset server: give ${absent.join(', ')}.`);
    }
    username = defaults.username;
    authKind ??= defaults.authKind;
  }
  if (username === undefined) throw new UsageError('Give the username the server signs in with: --user U (often the full address).');

  let port = endpoint.port;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/u.test(values.port)) throw new UsageError(`--port must be a whole number from 1 to 65535 (587 for STARTTLS, 465 for implicit TLS), not "${values.port}".`);
  }
  const parsed = addressFieldsSchema.safeParse({
    address,
    platform,
    environment,
    provider,
    host: values.host ?? endpoint.host,
    port,
    security: values.security ?? endpoint.security,
    username,
    authKind: authKind ?? 'password',
    ...(values.subdomain !== undefined ? { platformSubdomain: values.subdomain } : {}),
    ...(values.route !== undefined ? { route: values.route } : {}),
    selectors: values['relay-selector'] ?? [],
  });
  if (!parsed.success) throw new UsageError(describeIssues(parsed.error.issues));
  if (routeUnknown(platforms.value, platform, values.route)) {
    const known = platforms.value.find((p) => p.id === platform)?.routes.map((r) => `${r.id} (${r.label})`).join(', ') ?? '';
    throw new UsageError(`${platform} has no "${values.route ?? ''}" sending route. Choose one of: ${known}.`);
  }
  const fields = parsed.data;
  if (fields.security === 'none') {
    // `add` always stores a password, and a password is never sent without TLS.
    throw new UsageError(
      `--security none sends the password in clear text, so Relayproof never stores one for it. Use --security starttls (usually --port 587) or --security tls (usually --port 465).`,
    );
  }

  const secret = await readSecretFromStdin(io);

  const checked = await call(dispatcher, 'addresses:check-new', { address, platform: fields.platform, environment: fields.environment });
  if (!checked.ok) return reportError(io, json, checked.error);
  const check = checked.value;
  if (check.errors.length > 0) {
    if (json) printJson(io, { ok: false, check });
    else {
      for (const e of check.errors) printErrorText(io, `✗ ${e.message}\n`);
      for (const w of check.warnings) printErrorText(io, `! ${w.message}\n`);
      printErrorText(io, `${address} was not added; nothing was stored.\n`);
    }
    return EXIT.checkFailed;
  }

  const created = await call(dispatcher, 'addresses:create', { fields, secret });
  if (!created.ok) return reportError(io, json, created.error);
  const view = created.value;
  if (json) {
    printJson(io, { ok: true, address: view, warnings: check.warnings });
    return EXIT.ok;
  }
  for (const w of check.warnings) printText(io, `! ${w.message}\n`);
  const shown = check.unicode !== null && check.ascii !== null && check.unicode !== check.ascii ? `${check.unicode} (${check.ascii})` : view.address;
  printText(io, `Added ${shown} for ${view.platform} (${view.environment}) as ${view.id}.\n`);
  printText(io, `  Server: ${view.host}:${view.port} ${view.security}, signing in as ${view.username} (${view.authKind})\n`);
  printText(io, `  ${view.secret.stored === true ? 'Password stored in the OS keychain.' : 'No password stored.'}\n`);
  printText(io, `Next: relayproof address test ${view.id} --send-as\n`);
  return EXIT.ok;
}

// ---------------------------------------------------------------------------
// list

interface Rotation {
  /** The reminder in days (the address's own, else the Settings default); null = no reminder. */
  readonly everyDays: number | null;
  readonly source: 'address' | 'settings' | null;
  readonly dueAt: string | null;
  /** Negative when overdue. */
  readonly dueInDays: number | null;
  readonly overdue: boolean;
}

/** The app's rule (src-preload/contract/rotation-reminder.ts), in the shape `address list --json` prints. */
function rotationOf(a: AddressView, settings: Settings, now: number): Rotation {
  const reminder = rotationReminder(a, settings.rotationReminderDays, new Date(now));
  if (reminder.kind === 'off') return { everyDays: null, source: null, dueAt: null, dueInDays: null, overdue: false };
  const base = { everyDays: reminder.everyDays, source: reminder.fromSettings ? ('settings' as const) : ('address' as const) };
  if (reminder.kind === 'not-counting') return { ...base, dueAt: null, dueInDays: null, overdue: false };
  if (reminder.kind === 'due-in') return { ...base, dueAt: reminder.dueAt, dueInDays: reminder.days, overdue: false };
  return { ...base, dueAt: reminder.dueAt, dueInDays: -reminder.days, overdue: true };
}

function ageDays(since: string | null, now: number): number | null {
  return since === null ? null : Math.max(0, Math.floor((now - Date.parse(since)) / DAY_MS));
}

async function list(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const { values } = parseOptions(args, parseConfig('address list'));
  const json = values.json === true;
  const dispatcher = openServices().createDispatcher();
  const listed = await call(dispatcher, 'addresses:list', {});
  if (!listed.ok) return reportError(io, json, listed.error);
  const settings = await call(dispatcher, 'settings:get', {});
  if (!settings.ok) return reportError(io, json, settings.error);
  const now = Date.now();
  const rows = listed.value.map((a) => ({ ...a, credentialAgeDays: ageDays(a.secretChangedAt, now), rotation: rotationOf(a, settings.value, now) }));
  const identities = await identitiesForList(dispatcher);
  if ('error' in identities) return reportError(io, json, identities.error.error);
  if (json) {
    printJson(io, { ok: true, addresses: rows, sesIdentities: identities.rows });
    return EXIT.ok;
  }
  if (identities.rows.length > 0) printIdentityTable(io, identities.rows, identities.platform);
  if (rows.length === 0 && identities.rows.length > 0) return EXIT.ok;
  if (rows.length === 0) {
    printText(io, 'No addresses configured yet. Add one with `relayproof address add` or in the app (Connect an address).\n');
    return EXIT.ok;
  }
  const table = [
    ['ID', 'ADDRESS', 'PLATFORM', 'ENVIRONMENT', 'PROVIDER', 'SETUP', 'LAST TEST', 'CREDENTIAL', 'ROTATION'],
    ...rows.map((a) => [
      a.id,
      a.address,
      a.platform,
      a.environment,
      a.provider,
      a.setup === 'in-progress' ? 'in progress' : a.proceedReason !== null ? 'complete (test failed)' : 'complete',
      // The Addresses table's words for the connection test alone (the status verdict is `relayproof status`).
      a.lastTest === null ? connectionTestLabel(null) : `${connectionTestLabel(a.lastTest)} ${a.lastTest.at.slice(0, 10)}`,
      a.secret.stored === false ? 'no secret' : a.secret.stored === null ? 'keychain unavailable' : a.credentialAgeDays === null ? 'stored' : `${plural(a.credentialAgeDays, 'day')} old`,
      rotationText(a.rotation, a.secret.stored),
    ]),
  ];
  const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => row[i]?.length ?? 0))) ?? [];
  for (const row of table) printText(io, `${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}\n`);
  const failed = rows.filter((a) => a.proceedReason !== null);
  for (const a of failed) printText(io, `\n${a.id}: continued past a failed test: ${oneLine(a.proceedReason)}`);
  // Saved before SES identities existed: they still load, but Zuora's advanced SMTP has no SMTP credentials.
  for (const a of rows.filter((r) => r.platform === SES_PLATFORM_ID)) {
    printText(io, `\n${a.id}: saved as SMTP credentials for Zuora advanced SMTP, which has none (Zuora sends from its own Amazon SES account). Add it as an SES identity (relayproof address add --platform zuora-ses --identity email|domain ...) and remove this entry.`);
  }
  if (rows.some((r) => r.platform === SES_PLATFORM_ID) && failed.length === 0) printText(io, '\n');
  if (failed.length > 0) printText(io, '\n');
  return EXIT.ok;
}

function rotationText(r: Rotation, stored: boolean | null): string {
  if (r.everyDays === null) return 'no reminder';
  if (stored !== true || r.dueInDays === null || r.dueAt === null) return `every ${plural(r.everyDays, 'day')}`;
  if (r.overdue) return `overdue by ${plural(-r.dueInDays, 'day')}`;
  return `due in ${plural(r.dueInDays, 'day')} (${r.dueAt.slice(0, 10)})`;
}

// ---------------------------------------------------------------------------
// test, rotate, set-secret

async function test(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const { values, positionals } = parseOptions(args, parseConfig('address test'), true);
  const id = onePositional(positionals, 'Usage: relayproof address test ID [--send-as] [--json]');
  const json = values.json === true;
  const dispatcher = openServices().createDispatcher();
  const address = await findAddress(dispatcher, io, json, id);
  if (typeof address === 'number') return address;
  if (address.secret.stored === false) {
    // Not a usage error: the address exists, the test just cannot run yet (exit 1).
    const error = {
      code: 'not-found',
      message: `No password is stored for ${address.address} (${id}), so there is nothing to test.`,
      hint: `Store it first: … | relayproof address set-secret ${id} --password-stdin`,
    };
    if (json) printJson(io, { ok: false, error });
    else printErrorText(io, `${error.message}\n${error.hint}\n`);
    return EXIT.checkFailed;
  }
  if (!json) {
    printText(io, 
      `Testing ${address.address} with its stored ${address.authKind} against ${address.host}:${address.port} (${address.security}) as ${address.username}${values['send-as'] === true ? `, sending as ${address.address}` : ''}…\n`,
    );
  }
  // The saved server and account: the keychain lends the secret to nothing else.
  const result = await call(dispatcher, 'smtp:test-connection', {
    operationId: cliOperationId(),
    addressId: id,
    host: address.host,
    port: address.port,
    security: address.security,
    credentials: { kind: address.authKind, username: address.username },
    ...(values['send-as'] === true ? { from: address.address } : {}),
  });
  if (!result.ok) return reportError(io, json, result.error);
  const report = result.value;
  // A pass is followed by what the address's platform's own form takes (Zuora: StartTLS,
  // SocketFactory, the switch) and the sending limits of its mail service.
  const guidance = report.ok ? await platformGuidance(address.platform, address, address.provider, io.env) : null;
  if (json) printJson(io, { addressId: id, ...summarizeReport(report), ...(guidance !== null ? { platformForm: guidance.form, platformFormProblem: guidance.formProblem, sendingLimits: guidance.sendingLimits } : {}) });
  else {
    printText(io, `${formatReport(report, { platform: address.platform })}\n`);
    if (guidance !== null) printText(io, `\n${guidance.text}`);
  }
  return report.ok ? EXIT.ok : EXIT.checkFailed;
}

/** Why the new secret was not taken, in one sentence naming the server. */
function refusal(report: ConnectionReport): string {
  const server = `${report.target.host}:${report.target.port}`;
  const phase = report.failure?.phase;
  if (report.auth?.accepted === true) {
    return `The new password signed in to ${server}, but ${report.target.username ?? 'that account'} may not send as ${report.target.from ?? 'the address'} there, so the platform could not use it. The old password is still stored and in use.`;
  }
  return phase === 'auth' || phase === undefined
    ? `The new password was refused by ${server}; the old password is still stored and in use.`
    : `The new password could not be checked: the test of ${server} failed in the ${phase} phase, before signing in. The old password is still stored and in use.`;
}

async function rotate(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const usage = 'Usage: relayproof address rotate ID --password-stdin [--json]   (tests the new password first; the old one stays if it fails)';
  const { values, positionals } = parseOptions(args, parseConfig('address rotate'), true);
  const id = onePositional(positionals, usage);
  if (values['password-stdin'] !== true) throw new UsageError(`Give the new password on standard input with --password-stdin (never as an argument).\n${usage}`);
  const json = values.json === true;
  const secret = await readSecretFromStdin(io);
  const dispatcher = openServices().createDispatcher();
  const result = await call(dispatcher, 'addresses:rotate-secret', { operationId: cliOperationId(), id, secret });
  if (!result.ok) return reportError(io, json, result.error);
  const { rotated, changedAt, report } = result.value;
  if (json) {
    printJson(io, { ok: rotated, rotated, changedAt, oldSecretKept: !rotated, test: summarizeReport(report) });
  } else {
    printText(io, `${formatReport(report)}\n\n`);
    printText(io, 
      rotated
        ? `Rotated: the new password signed in to ${report.target.host}:${report.target.port} and replaced the old one in the OS keychain${changedAt !== null ? ` (${changedAt})` : ''}. Paste it into the platform's connector settings now.\n`
        : `${refusal(report)}\n`,
    );
  }
  return rotated ? EXIT.ok : EXIT.checkFailed;
}

async function setSecret(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const { values, positionals } = parseOptions(args, parseConfig('address set-secret'), true);
  const id = onePositional(positionals, 'Usage: relayproof address set-secret ID --password-stdin [--json]');
  if (values['password-stdin'] !== true) throw new UsageError('Give the secret on standard input with --password-stdin.');
  const secret = await readSecretFromStdin(io);
  const result = await call(openServices().createDispatcher(), 'vault:set-secret', { addressId: id, secret });
  if (!result.ok) return reportError(io, values.json === true, result.error);
  if (values.json === true) printJson(io, { ok: true, secret: result.value });
  else printText(io, `Secret for ${id} stored in the OS keychain. Test it: relayproof address test ${id}\n`);
  return EXIT.ok;
}

// ---------------------------------------------------------------------------
// remove

/** The seed's advice on disconnecting (Zendesk, "Disconnecting the connector"). */
function disconnectAdvice(platformName: string): string {
  return `Disconnect it in ${platformName} as well, at a low-traffic time: it takes a few minutes, and your team may need to pause ticket updates until the address is disconnected (and re-added, if you are moving it).`;
}

/** One line from a terminal; null at end of input. */
async function readLine(stream: NodeJS.ReadableStream): Promise<string | null> {
  let text = '';
  for await (const chunk of stream) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    const newline = text.indexOf('\n');
    if (newline >= 0) return text.slice(0, newline).replace(/\r$/u, '');
  }
  return text === '' ? null : text;
}

async function remove(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const { values, positionals } = parseOptions(args, parseConfig('address remove'), true);
  const id = onePositional(positionals, 'Usage: relayproof address remove ID [--yes] [--json]');
  const json = values.json === true;
  const dispatcher = openServices().createDispatcher();
  const identity = await findIdentity(dispatcher, id);
  if (identity !== undefined) {
    // An SES identity holds no secret: removing it asks no confirmation beyond --yes in a script.
    if (values.yes !== true && io.stdin.isTTY !== true) throw new UsageError(`Not removed: this run cannot ask for confirmation. Add --yes to remove the SES identity ${identity.value} (${id}).`);
    if (values.yes !== true) {
      printErrorText(io, `Remove the SES identity ${identity.value} (${identity.environment}, ${id})? Type yes to confirm: `);
      const answer = await readLine(io.stdin);
      if (answer === null || !/^\s*y(es)?\s*$/iu.test(answer)) throw new UsageError('Not removed: not confirmed.');
    }
    return removeIdentity(dispatcher, identity, io, json);
  }
  const address = await findAddress(dispatcher, io, json, id);
  if (typeof address === 'number') return address;
  const platforms = await call(dispatcher, 'platforms:list', {});
  const platformName = (platforms.ok ? platforms.value.find((p) => p.id === address.platform)?.name : undefined) ?? address.platform;
  const advice = disconnectAdvice(platformName);
  const what = `${address.address} (${address.platform}, ${address.environment}, ${id})`;

  if (values.yes !== true) {
    if (io.stdin.isTTY !== true) {
      throw new UsageError(`Not removed: this run cannot ask for confirmation. Add --yes to remove ${what} and delete its password from the OS keychain.`);
    }
    // The prompt goes to stderr so stdout stays one JSON object with --json.
    printErrorText(io, `${advice}\nRemove ${what} and delete its password from the OS keychain? Type yes to confirm: `);
    const answer = await readLine(io.stdin);
    if (answer === null || !/^\s*y(es)?\s*$/iu.test(answer)) throw new UsageError('Not removed: not confirmed.');
  }

  const result = await call(dispatcher, 'addresses:delete', { id });
  if (!result.ok) return reportError(io, json, result.error);
  const { deleted, secretDeleted } = result.value;
  if (json) {
    printJson(io, { ok: deleted, id, address: address.address, deleted, secretDeleted, advice });
  } else {
    if (values.yes === true) printText(io, `${advice}\n`);
    printText(io, 
      `Removed ${what}: its configuration is deleted${secretDeleted ? ' and its password is gone from the OS keychain' : ' (no password was stored in the OS keychain)'}. The history keeps a record, never the password.\n`,
    );
  }
  return deleted ? EXIT.ok : EXIT.checkFailed;
}

// ---------------------------------------------------------------------------
// export, import

async function exportAddresses(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const { values, positionals } = parseOptions(args, parseConfig('address export'), true);
  const file = onePositional(positionals, 'Usage: relayproof address export FILE [--json]');
  const json = values.json === true;
  const result = await call(openServices().createDispatcher(), 'addresses:export', {});
  if (!result.ok) return reportError(io, json, result.error);
  const document = result.value;
  try {
    await writeFile(file, `${JSON.stringify(document, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
    // `mode` applies only when the file is created; an existing file keeps its own.
    await chmod(file, 0o600);
  } catch (error) {
    return reportError(io, json, { code: 'internal', message: `Could not write ${file}: ${error instanceof Error ? error.message : String(error)}`, hint: 'Choose a folder you can write to.' });
  }
  const count = document.addresses.length;
  if (json) printJson(io, { ok: true, file, count, exportedAt: document.exportedAt });
  else {
    printText(io, `Exported ${plural(count, 'address', 'addresses')} to ${file} (readable by you only).\n`);
    printText(io, 'Passwords are never exported: after an import, store each address’s password again with `relayproof address set-secret ID --password-stdin`.\n');
  }
  return EXIT.ok;
}

async function importAddresses(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const { values, positionals } = parseOptions(args, parseConfig('address import'), true);
  const file = onePositional(positionals, 'Usage: relayproof address import FILE [--json]');
  const json = values.json === true;
  const inputError = (message: string, hint?: string) => reportError(io, json, { code: 'invalid-input', message, ...(hint !== undefined ? { hint } : {}) });
  // Size-checked before it is read; a device or pipe (which reports size 0) is refused.
  const read = await readUserFile(file, MAX_IMPORT_CHARS, 'an import file');
  if (!read.ok) return inputError(read.message, 'An export of 1,000 addresses is about 400 KB: check that this is a file written by `relayproof address export`.');
  const text = read.text;
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/u, ''));
  } catch (error) {
    return inputError(`${file} is not JSON (${error instanceof Error ? error.message : 'it does not parse'}).`, 'Give a file written by `relayproof address export` or the app’s Export.');
  }
  const result = await call(openServices().createDispatcher(), 'addresses:import', { document });
  if (!result.ok) return reportError(io, json, result.error);
  const { imported, rejected } = result.value;
  const total = imported.length + rejected.length;
  if (json) printJson(io, { ok: rejected.length === 0, imported, rejected });
  else {
    for (const r of rejected) printText(io, `✗ row ${r.row}${r.address !== null ? ` (${oneLine(r.address)})` : ''}: ${oneLine(r.reason)}\n`);
    for (const a of imported) printText(io, `✓ ${a.id}  ${a.address}  ${a.platform}/${a.environment}\n`);
    printText(io, `Imported ${imported.length} of ${total} ${total === 1 ? 'address' : 'addresses'}${rejected.length > 0 ? `; ${rejected.length} rejected (above), existing addresses untouched` : ''}.\n`);
    if (imported.length > 0) printText(io, 'Each imported address needs its password again: … | relayproof address set-secret ID --password-stdin\n');
  }
  return rejected.length === 0 ? EXIT.ok : EXIT.checkFailed;
}

/**
 * Zuora advanced SMTP (Amazon SES) identities from the command line: `address add
 * --platform zuora-ses --identity email|domain` (no server, no password), the identities
 * in `address list` and `address remove`, `address verify-identity` (records what Zuora
 * shows, or looks at the three CNAMEs in DNS), and which identity covers a From address
 * for `check`. Through the same dispatcher and rules as the app.
 */
import {
  cnameSetsFor,
  dkimCname,
  coveredFrom,
  identityVerificationAdvice,
  SES_PLATFORM_ID,
  sesRulesOf,
  ZUORA_WORDS,
  type Coverage,
  type SesIdentity,
} from '../../src-preload/contract/ses-identities';
import { join } from 'node:path';
import { environmentLabel, platformSchema, type Platform } from '../../src-preload/contract/providers';
import { sesIdentityLabel } from '../../src-preload/contract/state-labels';
import { findResourcesDir } from '../app/resources-dir';
import { readJsonResource } from '../app/json-resource';
import { environmentSchema } from '../../src-preload/contract/environments';
import type { ChannelInput, ChannelName, ChannelResult } from '../../src-preload/contract';
import type { Dispatcher } from '../rpc/dispatch';
import type { Services } from '../services';
import { parseConfig } from './command-table';
import { EXIT, oneLine, parseOptions, printErrorText, printJson, printText, reportError, UsageError, type CliIo, type ExitCode } from './io';

export const IDENTITY_ADD_USAGE =
  'Usage: relayproof address add --platform zuora-ses --identity email|domain --address A --environment production|sandbox|developer-sandbox|central-sandbox [--dkim-token T]... [--work-email-domain-confirmed] [--json]';
export const VERIFY_IDENTITY_USAGE =
  'Usage: relayproof address verify-identity ID (--state pending|success|failed | --dkim-token T --dkim-token T --dkim-token T | --dns [--dns-server HOST:PORT]...) [--json]';

/** Options of `address add` that belong to SMTP credentials: an SES identity has none of them. */
const SMTP_ONLY = ['provider', 'host', 'port', 'security', 'user', 'auth-kind', 'subdomain', 'route', 'relay-selector'] as const;

async function call<C extends ChannelName>(dispatcher: Dispatcher, channel: C, input: ChannelInput<C>): Promise<ChannelResult<C>> {
  return (await dispatcher.dispatch(channel, input)) as ChannelResult<C>;
}

/** What `address add` parsed, as far as an identity needs it. */
export interface IdentityAddValues {
  readonly json?: boolean;
  readonly address?: string;
  readonly platform?: string;
  readonly environment?: string;
  readonly identity?: string;
  readonly 'dkim-token'?: readonly string[];
  readonly 'work-email-domain-confirmed'?: boolean;
  readonly 'password-stdin'?: boolean;
  readonly [option: string]: unknown;
}

async function sesPlatform(dispatcher: Dispatcher, io: CliIo, json: boolean): Promise<Platform | ExitCode> {
  const platforms = await call(dispatcher, 'platforms:list', {});
  if (!platforms.ok) return reportError(io, json, platforms.error);
  const found = platforms.value.find((p) => p.id === SES_PLATFORM_ID);
  if (found === undefined) return reportError(io, json, { code: 'internal', message: `The platform data has no ${SES_PLATFORM_ID}.json.`, hint: 'Reinstall Relayproof.' });
  return found;
}

function kindWord(identity: Pick<SesIdentity, 'kind'>): string {
  return identity.kind === 'domain' ? 'domain identity' : 'email identity';
}


export async function addIdentity(values: IdentityAddValues, io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const json = values.json === true;
  if (values['password-stdin'] === true) {
    // Before anything is read or stored: the admin's words, and nothing taken from standard input.
    throw new UsageError(`${ZUORA_WORDS.noPassword}. Leave out --password-stdin: an SES identity is an email address or a domain, nothing is read from standard input.\n${IDENTITY_ADD_USAGE}`);
  }
  if (values.platform !== SES_PLATFORM_ID) throw new UsageError(`--identity is for Zuora advanced SMTP only: give --platform ${SES_PLATFORM_ID}.\n${IDENTITY_ADD_USAGE}`);
  if (values.identity !== 'email' && values.identity !== 'domain') {
    throw new UsageError(`Give --identity email (one address) or --identity domain (your domain and its subdomains).\n${IDENTITY_ADD_USAGE}`);
  }
  const extra = SMTP_ONLY.filter((k) => values[k] !== undefined).map((k) => `--${k}`);
  if (extra.length > 0) throw new UsageError(`${extra.join(', ')} ${extra.length === 1 ? 'has' : 'have'} no meaning for an SES identity: Zuora sends from its own Amazon SES account, with no server of yours.\n${IDENTITY_ADD_USAGE}`);
  const missing = (['address', 'environment'] as const).filter((k) => values[k] === undefined).map((k) => `--${k}`);
  if (missing.length > 0) throw new UsageError(`Missing ${missing.join(', ')}.\n${IDENTITY_ADD_USAGE}`);
  const environment = environmentSchema.safeParse(values.environment);
  if (!environment.success) throw new UsageError(`--environment is production, sandbox (Zuora's API Sandbox), developer-sandbox or central-sandbox, not "${values.environment ?? ''}".`);

  const dispatcher = openServices().createDispatcher();
  const platform = await sesPlatform(dispatcher, io, json);
  if (typeof platform === 'number') return platform;
  const kind: SesIdentity['kind'] = values.identity;
  const fields = {
    kind,
    value: values.address ?? '',
    environment: environment.data,
    dkimTokens: [...(values['dkim-token'] ?? [])],
    eligibilityConfirmed: values['work-email-domain-confirmed'] === true,
  };
  const checked = await call(dispatcher, 'ses-identities:check-new', { fields });
  if (!checked.ok) {
    if (checked.error.code === 'invalid-input') throw new UsageError(`${checked.error.message}\n${IDENTITY_ADD_USAGE}`);
    return reportError(io, json, checked.error);
  }
  const problems = checked.value.problems;
  if (problems.length > 0) {
    // A missing confirmation or a wrong value is the command's input; a limit is Zuora refusing (exit 1).
    const input = problems.every((p) => p.code === 'invalid' || p.code === 'environment' || p.code === 'eligibility' || p.code === 'dkim-tokens');
    if (json) printJson(io, { ok: false, check: checked.value });
    else {
      for (const p of problems) printErrorText(io, `✗ ${p.message}\n`);
      if (problems.some((p) => p.code === 'eligibility')) printErrorText(io, 'Once an active Zuora user has a work email on this domain, add --work-email-domain-confirmed.\n');
      printErrorText(io, `${values.address ?? ''} was not added; nothing was stored.\n`);
    }
    return input ? EXIT.usage : EXIT.checkFailed;
  }
  const created = await call(dispatcher, 'ses-identities:create', { fields });
  if (!created.ok) return reportError(io, json, created.error);
  const identity = created.value;
  const advice = identityVerificationAdvice(identity, new Date(), platform.ses ?? undefined);
  const listed = await call(dispatcher, 'ses-identities:list', {});
  const sets = identity.kind === 'domain' && listed.ok ? cnameSetsFor(identity.value, listed.value, sesRulesOf(platform)).filter((s) => s.environments.some((e) => e.id === identity.environment)) : [];
  if (json) {
    printJson(io, { ok: true, identity, notes: checked.value.notes, advice, cnames: sets.flatMap((s) => s.records) });
    return EXIT.ok;
  }
  const where = environmentLabel(platform, identity.environment);
  printText(io, `Added the ${kindWord(identity)} ${identity.value} for ${platform.label} (${where}) as ${identity.id}.\n`);
  if (values.identity === 'domain' && values.address !== undefined && values.address.includes('@')) printText(io, `  The domain of ${values.address} is the identity: it covers every address on ${identity.value} and its subdomains.\n`);
  for (const note of checked.value.notes) printText(io, `  ${note}\n`);
  printText(io, `  No password and no server: Zuora sends from its own Amazon SES account.\n`);
  for (const set of sets.filter((x) => x.records.length > 0)) {
    printText(io, `  DKIM CNAMEs for ${set.environments.map((e) => e.label).join(' and ')}:\n`);
    for (const r of set.records) printText(io, `    ${r.name} CNAME ${r.target}\n`);
  }
  if (identity.kind === 'domain' && identity.dkimTokens.length === 0) {
    printText(io, `  Next: in Zuora, View in the DKIM Status column shows three tokens; save them with relayproof address verify-identity ${identity.id} --dkim-token T1 --dkim-token T2 --dkim-token T3\n`);
  }
  if (identity.kind === 'domain' && platform.ses !== undefined) printText(io, `  ${platform.ses.verificationTxt.note}\n`);
  // The include and the example record are the platform's data (resources/platforms/zuora-ses.json).
  const includes = platform.spf.requiredIncludes.map((i) => `include:${i}`).join(' ');
  printText(io, `  SPF: add ${includes} to ${identity.kind === 'domain' ? identity.value : identity.value.slice(identity.value.lastIndexOf('@') + 1)}'s SPF record${platform.spf.example === undefined ? '' : ` (${platform.spf.example})`}.\n`);
  if (identity.kind === 'email' && platform.ses !== undefined) printText(io, `  DMARC: ${platform.ses.dmarc.note}\n`);
  printText(io, `Next: ${advice.message}\n`);
  printText(io, `When Zuora shows the new state: relayproof address verify-identity ${identity.id} --state success|failed\n`);
  return EXIT.ok;
}

/** The identities as `address list` shows them (text rows and JSON). */
export async function identitiesForList(dispatcher: Dispatcher): Promise<{ readonly rows: ReadonlyArray<SesIdentity & { readonly advice: ReturnType<typeof identityVerificationAdvice> }>; readonly platform: Platform | undefined } | { readonly error: ChannelResult<'ses-identities:list'> & { ok: false } }> {
  const listed = await call(dispatcher, 'ses-identities:list', {});
  if (!listed.ok) return { error: listed };
  const platforms = await call(dispatcher, 'platforms:list', {});
  const platform = platforms.ok ? platforms.value.find((p) => p.id === SES_PLATFORM_ID) : undefined;
  const now = new Date();
  return { rows: listed.value.map((i) => ({ ...i, advice: identityVerificationAdvice(i, now, platform?.ses ?? undefined) })), platform };
}

export function printIdentityTable(io: CliIo, rows: ReadonlyArray<SesIdentity & { readonly advice: ReturnType<typeof identityVerificationAdvice> }>, platform: Platform | undefined): void {
  const table = [
    ['ID', 'SES IDENTITY', 'KIND', 'ENVIRONMENT', 'VERIFICATION', 'NEXT'],
    ...rows.map((i) => [
      i.id,
      i.value,
      i.kind,
      environmentLabel(platform, i.environment),
      `${sesIdentityLabel(i.verification.state, i.advice.overdue)} since ${i.verification.since.slice(0, 10)}`,
      i.advice.action,
    ]),
  ];
  const widths = table[0]?.map((_, c) => Math.max(...table.map((row) => row[c]?.length ?? 0))) ?? [];
  printText(io, `\nZuora advanced SMTP (Amazon SES) identities:\n`);
  for (const row of table) printText(io, `${row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ')}\n`);
  for (const i of rows.filter((r) => r.advice.action !== 'none' && r.advice.action !== 'wait')) printText(io, `${i.id}: ${oneLine(i.advice.message)}\n`);
}

/** `address remove ID` for an identity: nothing in the keychain, the record only. */
export async function removeIdentity(dispatcher: Dispatcher, identity: SesIdentity, io: CliIo, json: boolean): Promise<ExitCode> {
  const result = await call(dispatcher, 'ses-identities:delete', { id: identity.id });
  if (!result.ok) return reportError(io, json, result.error);
  const advice = `Delete it in Zuora too (Platform > Events & Notifications > Settings > Advanced SMTP) if Zuora should no longer send from it.`;
  if (json) printJson(io, { ok: result.value.deleted, id: identity.id, identity: identity.value, deleted: result.value.deleted, advice });
  else printText(io, `Removed the ${kindWord(identity)} ${identity.value} (${identity.environment}, ${identity.id}). ${advice}\n`);
  return result.value.deleted ? EXIT.ok : EXIT.checkFailed;
}

export async function findIdentity(dispatcher: Dispatcher, id: string): Promise<SesIdentity | undefined> {
  const listed = await call(dispatcher, 'ses-identities:list', {});
  return listed.ok ? listed.value.find((i) => i.id === id) : undefined;
}

export async function runVerifyIdentity(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const { values: v, positionals } = parseOptions(args, parseConfig('address verify-identity'), true);
  const values = v as { json?: boolean; state?: string; dns?: boolean; 'dns-server'?: string[]; 'dkim-token'?: string[] };
  const [id] = positionals;
  if (id === undefined || positionals.length !== 1) throw new UsageError(VERIFY_IDENTITY_USAGE);
  const given = [values.state !== undefined, values.dns === true, values['dkim-token'] !== undefined].filter(Boolean).length;
  if (given !== 1) throw new UsageError(`Give one of --state (what Zuora's Verification Status column shows), --dkim-token (the three tokens of Zuora's DKIM Settings) or --dns (look at the three CNAMEs).\n${VERIFY_IDENTITY_USAGE}`);
  const json = values.json === true;
  const dispatcher = openServices().createDispatcher();
  const platforms = await call(dispatcher, 'platforms:list', {});
  const platform = platforms.ok ? platforms.value.find((p) => p.id === SES_PLATFORM_ID) : undefined;
  if (values['dkim-token'] !== undefined) {
    const result = await call(dispatcher, 'ses-identities:update', { id, patch: { dkimTokens: values['dkim-token'] } });
    if (!result.ok) {
      if (result.error.code === 'invalid-input') throw new UsageError(result.error.message);
      return reportError(io, json, result.error);
    }
    const identity = result.value;
    const records = identity.dkimTokens.map((t) => dkimCname(identity.value, t));
    if (json) printJson(io, { ok: true, identity, cnames: records });
    else {
      printText(io, `Saved the three DKIM tokens of ${identity.value} (${environmentLabel(platform, identity.environment)}). Publish:\n`);
      for (const r of records) printText(io, `  ${r.name} CNAME ${r.target}\n`);
      printText(io, `Then: relayproof address verify-identity ${identity.id} --dns\n`);
    }
    return EXIT.ok;
  }
  if (values.dns === true) {
    const result = await call(dispatcher, 'ses-identities:check-dns', { id, dnsServers: values['dns-server'] ?? [] });
    if (!result.ok) return reportError(io, json, result.error);
    const r = result.value;
    if (json) printJson(io, { ok: r.ready, ...r });
    else if (r.notChecked !== null) printText(io, `${r.notChecked}\n`);
    else {
      for (const record of r.records) printText(io, `${record.ok ? '✓' : '✗'} ${record.name} CNAME ${record.target}${record.problem === null ? '' : `\n    ${record.problem}`}\n`);
      printText(io, r.ready ? `DNS is ready: all three CNAMEs resolve to Amazon SES, which is what it checks; Zuora shows Success within ${platform?.ses?.pendingMaxHours ?? 72} hours of adding the identity.\n` : 'DNS is not ready yet: Amazon SES cannot verify the domain until all three CNAMEs resolve to their targets.\n');
    }
    return r.ready ? EXIT.ok : EXIT.checkFailed;
  }
  const state = values.state;
  if (state !== 'pending' && state !== 'success' && state !== 'failed') throw new UsageError(`--state is pending, success or failed (as Zuora's Verification Status column shows), not "${state ?? ''}".`);
  const result = await call(dispatcher, 'ses-identities:record-verification', { id, state });
  if (!result.ok) return reportError(io, json, result.error);
  const identity = result.value;
  const advice = identityVerificationAdvice(identity, new Date(), platform?.ses ?? undefined);
  if (json) printJson(io, { ok: true, identity, advice });
  else printText(io, `Recorded: ${identity.value} (${environmentLabel(platform, identity.environment)}) is ${sesIdentityLabel(identity.verification.state)} in Zuora.\n${advice.message}\n`);
  return EXIT.ok;
}

/** `check --from` on zuora-ses: which identity covers the From address, from the saved identities. */
export function coverageText(coverage: Coverage): string {
  return `${coverage.covered ? (coverage.verified ? '✓' : '…') : '✗'} From: ${coverage.message}`;
}

/**
 * `check --from [--environment ENV]`: the coverage judged with the platform's verification
 * groups (an identity in Production does not cover a Developer Sandbox From).
 */
export async function coverageFor(identities: readonly SesIdentity[], from: string, environment: string | undefined, io: CliIo, json: boolean): Promise<Coverage | ExitCode> {
  const env = environment === undefined ? undefined : environmentSchema.safeParse(environment);
  if (env !== undefined && !env.success) throw new UsageError(`--environment is production, sandbox, developer-sandbox or central-sandbox, not "${environment ?? ''}".`);
  // The platform file alone: `check` builds no platforms channel (it loads only what the checklist needs).
  const file = join(findResourcesDir(), 'platforms', `${SES_PLATFORM_ID}.json`);
  const platform = await readJsonResource(file, platformSchema);
  if (!platform.ok) return reportError(io, json, { code: 'internal', message: `The platform data for ${SES_PLATFORM_ID} cannot be read: ${platform.problems.join('; ')}`, hint: 'Reinstall Relayproof.' });
  return coveredFrom(identities, from, { rules: sesRulesOf(platform.value), environment: env?.data });
}

/** The coverage as `check --json` gives it: each covering identity with the environment it is in. */
export function coverageJson(coverage: Coverage, environment: string | undefined): Record<string, unknown> {
  const one = (c: { identity: SesIdentity; how: string; verified: boolean }) => ({ identityId: c.identity.id, identity: c.identity.value, how: c.how, verified: c.verified, environment: c.identity.environment });
  const scope = environment === undefined ? {} : { environment };
  return coverage.covered
    ? { covered: true, ...scope, verified: coverage.verified, identityId: coverage.identity.id, identity: coverage.identity.value, identityEnvironment: coverage.identity.environment, how: coverage.how, covering: coverage.covering.map(one), message: coverage.message }
    : { covered: false, ...scope, elsewhere: coverage.elsewhere.map(one), message: coverage.message };
}

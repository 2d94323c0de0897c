/**
 * `relayproof m365 checklist`, `script` and `token`: the Microsoft 365 guide from the
 * command line. checklist and script go through the same dispatcher (and so the same
 * validation) as the app; token calls the service in this process, because no channel
 * ever returns a token and `--show-token` must be able to print it.
 */
import { writeFile } from 'node:fs/promises';
import { checkClientCertificate } from '../m365/client-certificate';
import { readinessItemIds, readinessStateSchema, type GeneratedScript, type M365Checklist, type ReadinessState, type AppTokenInput, type TokenExplanation, type TokenOutcome } from '../../src-preload/contract/m365-schemas';
import type { Services } from '../services';
import { EXIT, parseOptions, oneLine, printJson, printText, readSecretFromStdin, readUserFile, reportError, UsageError, type CliIo, type ExitCode } from './io';
import { parseConfig } from './command-table';
import { unreadableResource } from '../app/json-resource';

const CHECKLIST_USAGE = 'Usage: relayproof m365 checklist --upn UPN [--from ADDR] [--error TEXT] [--mark ITEM=STATE]... [--json]';
const TOKEN_USAGE =
  'Usage: relayproof m365 token --tenant TENANT --client-id ID (--client-secret-stdin | --certificate-key-stdin --thumbprint HEX [--certificate FILE]) [--show-token] [--json]';
const SCRIPT_USAGE =
  'Usage: relayproof m365 script check|enable|enable-many|send-as|oauth-setup --upn UPN [--upn UPN]... [--from ADDR] [--send-on-behalf] [--app-id ID --object-id ID] [--out FILE] [--json]';

/** The CLI's short names for the generated scripts. */
const SCRIPT_NAMES = {
  check: 'check',
  enable: 'enable-mailbox',
  'enable-many': 'enable-mailboxes',
  'send-as': 'grant-send-as',
  'oauth-setup': 'oauth-setup',
} as const;

export async function runM365Command(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'checklist':
      return checklist(rest, io, openServices);
    case 'script':
      return script(rest, io, openServices);
    case 'token':
      return token(rest, io, openServices);
    default:
      throw new UsageError(`${CHECKLIST_USAGE}\n       ${SCRIPT_USAGE.replace('Usage: ', '')}\n       ${TOKEN_USAGE.replace('Usage: ', '')}`);
  }
}

const MARKS: Record<ReadinessState, string> = { ok: '✓', problem: '✗', unknown: '?', 'not-applicable': '-' };

async function checklist(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const { values: v } = parseOptions(args, parseConfig('m365 checklist'));
  const values = v as { json?: boolean; upn?: string; from?: string; error?: string; mark?: string[] };
  if (values.upn === undefined) throw new UsageError(CHECKLIST_USAGE);
  // What the admin knows by hand: --mark tenant-smtp-auth=ok (unknown / ok / problem / not-applicable).
  const marks = (values.mark ?? []).map((mark) => {
    const at = mark.indexOf('=');
    const id = at === -1 ? '' : mark.slice(0, at).trim();
    const state = at === -1 ? '' : mark.slice(at + 1).trim();
    if (!(readinessItemIds as readonly string[]).includes(id)) {
      throw new UsageError(`--mark ${mark}: "${id}" is not a readiness item. Items: ${readinessItemIds.join(', ')}.\n${CHECKLIST_USAGE}`);
    }
    if (!(readinessStateSchema.options as readonly string[]).includes(state)) {
      throw new UsageError(`--mark ${mark}: the state must be one of ${readinessStateSchema.options.join(', ')}.\n${CHECKLIST_USAGE}`);
    }
    return { id, state };
  });
  const json = values.json === true;
  const result = await openServices()
    .createDispatcher()
    .dispatch('m365:get-checklist', {
      upn: values.upn,
      ...(values.from !== undefined ? { from: values.from } : {}),
      ...(values.error !== undefined ? { pastedError: values.error } : {}),
      ...(marks.length > 0 ? { marks } : {}),
    });
  if (!result.ok) return reportError(io, json, result.error);
  const list = result.value as M365Checklist;
  const problem = list.counts.problem > 0;
  if (json) {
    printJson(io, { ok: !problem, checklist: list });
    return problem ? EXIT.checkFailed : EXIT.ok;
  }
  printText(io, `Microsoft 365 readiness for ${list.upn}${list.from !== null ? ` (sending as ${list.from})` : ''}\n`);
  printText(io, `Server: ${list.endpoint.host}:${list.endpoint.port} ${list.endpoint.security}, TLS ${list.endpoint.tlsMinimum} or later\n`);
  printText(io, `${list.retirement.headline}\n\n`);
  for (const item of list.items) {
    printText(io, `${MARKS[item.state]} ${item.title}${item.state === 'unknown' ? '' : ` — ${item.state}`}\n`);
    if (item.evidence !== null && item.state !== 'unknown') printText(io, `    ${oneLine(item.evidence)}\n`);
    if (item.state === 'problem' && item.fix.command !== null) printText(io, `    fix: ${item.fix.command}\n`);
  }
  printText(io, `\n${list.counts.ok} ok, ${list.counts.problem} problem, ${list.counts.unknown} unknown, ${list.counts.notApplicable} not applicable\n`);
  if (list.nextFix !== null) {
    printText(io, `\nRun first (${list.nextFix.title}):\n  ${list.nextFix.command ?? `relayproof m365 script … (${list.nextFix.script ?? 'see the steps above'})`}\n`);
  }
  return problem ? EXIT.checkFailed : EXIT.ok;
}

async function script(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const { values: v, positionals } = parseOptions(
    args,
    parseConfig('m365 script'),
    true,
  );
  const values = v as { json?: boolean; upn?: string[]; from?: string; 'send-on-behalf'?: boolean; 'app-id'?: string; 'object-id'?: string; out?: string };
  const [name] = positionals;
  if (name === undefined || positionals.length !== 1 || !Object.hasOwn(SCRIPT_NAMES, name)) throw new UsageError(SCRIPT_USAGE);
  const id = SCRIPT_NAMES[name as keyof typeof SCRIPT_NAMES];
  const upns = values.upn ?? [];
  const [upn] = upns;
  if (upn === undefined) throw new UsageError(`Give the mailbox with --upn.\n${SCRIPT_USAGE}`);
  if (id !== 'enable-mailboxes' && upns.length > 1) throw new UsageError(`"${name}" takes one --upn; use "enable-many" for several mailboxes.`);
  let request;
  switch (id) {
    case 'check':
    case 'enable-mailbox':
      request = { script: id, upn };
      break;
    case 'enable-mailboxes':
      request = { script: id, upns };
      break;
    case 'grant-send-as':
      if (values.from === undefined) throw new UsageError('send-as needs --from: the address the mailbox sends as.');
      request = { script: id, upn, from: values.from, right: values['send-on-behalf'] === true ? ('send-on-behalf' as const) : ('send-as' as const) };
      break;
    case 'oauth-setup':
      if (values['app-id'] === undefined || values['object-id'] === undefined) {
        throw new UsageError('oauth-setup needs --app-id (the application (client) ID) and --object-id (the enterprise application’s object ID).');
      }
      request = { script: id, upn, appId: values['app-id'], objectId: values['object-id'] };
      break;
  }
  const json = values.json === true;
  const result = await openServices().createDispatcher().dispatch('m365:generate-script', request);
  if (!result.ok) return reportError(io, json, result.error);
  const generated = result.value as GeneratedScript;
  if (values.out !== undefined) {
    try {
      await writeFile(values.out, generated.text, 'utf8');
    } catch (error) {
      return reportError(io, json, { code: 'internal', message: `Could not write ${values.out}: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  if (json) printJson(io, { ok: true, ...generated, ...(values.out !== undefined ? { writtenTo: values.out } : {}) });
  else if (values.out !== undefined) printText(io, `Wrote ${generated.title} to ${values.out}\n`);
  else printText(io, generated.text);
  return EXIT.ok;
}

async function token(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const { values: v } = parseOptions(args, parseConfig('m365 token'));
  const values = v as {
    json?: boolean;
    tenant?: string;
    'client-id'?: string;
    'client-secret-stdin'?: boolean;
    'certificate-key-stdin'?: boolean;
    thumbprint?: string;
    certificate?: string;
    'show-token'?: boolean;
  };
  if (values.tenant === undefined || values['client-id'] === undefined) throw new UsageError(TOKEN_USAGE);
  const withCertificate = values['certificate-key-stdin'] === true;
  if (withCertificate && values['client-secret-stdin'] === true) throw new UsageError(`Give either --client-secret-stdin or --certificate-key-stdin, not both: standard input holds one of them.\n${TOKEN_USAGE}`);
  if (!withCertificate && (values.thumbprint !== undefined || values.certificate !== undefined)) {
    throw new UsageError(`--thumbprint and --certificate go with --certificate-key-stdin (the private key on standard input).\n${TOKEN_USAGE}`);
  }
  if (!withCertificate && values['client-secret-stdin'] !== true) {
    throw new UsageError(`The client secret or the certificate's private key is read only from standard input: add --client-secret-stdin or --certificate-key-stdin.\n${TOKEN_USAGE}`);
  }
  if (withCertificate && values.thumbprint === undefined) {
    throw new UsageError(`--certificate-key-stdin needs --thumbprint: the certificate's thumbprint as shown under Certificates & secrets in the app registration.\n${TOKEN_USAGE}`);
  }
  const flag = withCertificate ? '--certificate-key-stdin' : '--client-secret-stdin';
  if (io.stdin.isTTY === true) {
    throw new UsageError(
      withCertificate
        ? `${flag} reads the PEM private key from a pipe, for example: relayproof m365 token … ${flag} --thumbprint HEX < app.key`
        : `${flag} reads the client secret from a pipe, for example: secret-tool lookup … | relayproof m365 token … ${flag}`,
    );
  }
  const json = values.json === true;
  let credential: AppTokenInput['credential'];
  if (withCertificate) {
    const privateKeyPem = await readSecretFromStdin(io, 16_384);
    let certificatePem: string | undefined;
    if (values.certificate !== undefined) {
      // A PEM certificate is a few KB (the app registration takes at most a small chain).
      const read = await readUserFile(values.certificate, 64_000, 'the PEM certificate');
      if (!read.ok) return reportError(io, json, { code: 'invalid-input', message: read.message, hint: 'Give the PEM certificate file uploaded to the app registration, or leave --certificate out.' });
      certificatePem = read.text;
    }
    const checked = checkClientCertificate({ thumbprint: values.thumbprint ?? '', privateKeyPem, certificatePem });
    if (!checked.ok) return reportError(io, json, checked.error);
    credential = { kind: 'certificate', privateKey: privateKeyPem, thumbprint: checked.value.thumbprint, ...(checked.value.certificatePem !== null ? { certificate: checked.value.certificatePem } : {}) };
  } else {
    credential = { kind: 'secret', clientSecret: await readSecretFromStdin(io) };
  }
  const loaded = await openServices().m365();
  if (!loaded.ok) return reportError(io, json, unreadableResource('m365', loaded.problems).error);
  const result = await loaded.service.acquireAppToken({ tenant: values.tenant, clientId: values['client-id'], credential });
  if (!result.ok) return reportError(io, json, result.error);
  const { accessToken, outcome } = result.value;
  const usable = outcome.status === 'acquired' && outcome.explanation.usable;
  const shown = values['show-token'] === true && accessToken !== null ? accessToken : null;
  if (json) {
    printJson(io, { ok: usable, credential: withCertificate ? 'certificate' : 'client-secret', outcome, ...(shown !== null ? { accessToken: shown } : {}) });
  } else {
    printOutcome(io, outcome);
    printText(io, `  Credential: ${credential.kind === 'certificate' ? `certificate (thumbprint ${credential.thumbprint ?? ''})` : 'client secret'}\n`);
    if (shown !== null) printText(io, `\nAccess token (a bearer credential until it expires; do not paste it anywhere public):\n${shown}\n`);
  }
  return usable ? EXIT.ok : EXIT.checkFailed;
}

const CHECK_MARKS = { pass: '✓', warn: '!', fail: '✗', skipped: '-' } as const;

function printOutcome(io: CliIo, outcome: TokenOutcome): void {
  if (outcome.status === 'refused') {
    const f = outcome.failure;
    printText(io, `✗ No token: ${f.title}${f.aadsts !== null ? ` (${f.aadsts})` : ''}\n  ${f.explanation}\n`);
    for (const step of f.steps) printText(io, `  - ${step}\n`);
    if (f.detail !== null) printText(io, `  Microsoft Entra said: ${oneLine(f.detail)}\n`);
    if (f.correlationId !== null) printText(io, `  Correlation ID: ${oneLine(f.correlationId)}\n`);
    return;
  }
  const e: TokenExplanation = outcome.explanation;
  printText(io, `${e.usable ? '✓ Token usable for SMTP AUTH XOAUTH2' : '✗ Token acquired, but Exchange Online will refuse it'} (${outcome.flow})\n`);
  // The claims are the token's own words: one line each, nothing hidden.
  printText(io, `  Audience: ${oneLine(e.audience ?? 'none')}\n  Tenant: ${oneLine(e.tenantId ?? 'none')}\n  App: ${e.appName !== null ? `${oneLine(e.appName)} ` : ''}${oneLine(e.appId)}\n`);
  printText(io, `  Roles: ${e.roles.length > 0 ? oneLine(e.roles.join(', ')) : 'none'}${e.scopes.length > 0 ? `\n  Scopes: ${oneLine(e.scopes.join(' '))}` : ''}\n`);
  printText(io, `  Expires: ${oneLine(e.expiresAt ?? 'unknown')}\n`);
  for (const check of e.checks) printText(io, `  ${CHECK_MARKS[check.outcome]} ${oneLine(check.message)}\n`);
  printText(io, `  ${e.note}\n`);
}

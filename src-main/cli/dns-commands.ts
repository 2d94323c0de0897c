/**
 * `relayproof check DOMAIN` (the whole checklist) and `relayproof spf DOMAIN` (the SPF
 * tree and, with --ip, the verdict a receiving server would reach). Both go through
 * the same code as the app; `--dns-server` picks the resolvers.
 */
import { checklistInputSchema, type CheckInputField, type CheckItem, type ChecklistReport } from '../../src-preload/contract/checks-schemas';
import { verdictOf } from '../../src-preload/contract/checklist-verdict';
import { checkSpf } from '../checks/spf';
import { renderSpfTree } from '../checks/spf-tree';
import { resolverFromSpecs } from '../dns/resolver';
import { withRunMemo } from '../dns/run-memo';
import { visibleText } from '../../src-preload/contract/visible-text';
import { describeIssues } from '../app/input-issues';
import type { Services } from '../services';
import { cliOperationId, EXIT, parseOptions, printJson, printText, reportError, UsageError, type CliIo, type ExitCode } from './io';
import { parseConfig } from './command-table';
import { sendingLimitsForHost } from './platform-guidance';
import { sendingLimitLines } from '../providers/platform-text';
import { coverageText, coveredFrom } from './identity-commands';
import { SES_PLATFORM_ID } from '../../src-preload/contract/ses-identities';

const MARK: Record<CheckItem['status'], string> = { pass: '✓', warn: '!', fail: '✗', pending: '…', error: '?', 'needs-input': '✎', 'not-needed': '–' };

function oneDomain(positionals: readonly string[], usage: string): string {
  const [domain] = positionals;
  if (domain === undefined || positionals.length !== 1) throw new UsageError(usage);
  return domain;
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];
}

export const CHECK_USAGE =
  'Usage: relayproof check DOMAIN [--platform P] [--route connector|direct|ses] [--relay-selector S]... [--selector S]... [--ip IP] [--smtp-host H] [--helo NAME] [--forward-to ADDR] [--dns-server HOST:PORT]... [--json]';

export async function runCheckCommand(args: readonly string[], io: CliIo, openServices: () => Pick<Services, 'store' | 'createDispatcher'>): Promise<ExitCode> {
  const options = parseOptions(
    args,
    parseConfig('check'),
    true,
  );
  // parseArgs' inferred type loses the option names once wrapped; this is its shape.
  const values = options.values as {
    json?: boolean;
    'dns-server'?: string[];
    platform?: string;
    route?: string;
    'relay-selector'?: string[];
    selector?: string[];
    ip?: string;
    'smtp-host'?: string;
    helo?: string;
    'forward-to'?: string;
    from?: string;
  };
  const domain = oneDomain(options.positionals, CHECK_USAGE);
  if (values.from !== undefined && values.platform !== SES_PLATFORM_ID) throw new UsageError(`--from says which SES identity covers a From address: it needs --platform ${SES_PLATFORM_ID}.\n${CHECK_USAGE}`);
  const services = openServices();
  const dnsServers = asStrings(values['dns-server']);
  // Zuora advanced SMTP: the DKIM tokens saved on the domain's identity, unless given (the three CNAMEs SES looks for).
  const typedSelectors = asStrings(values['relay-selector']);
  const identityTokens =
    values.platform === SES_PLATFORM_ID && typedSelectors.length === 0
      ? (services.store.listSesIdentities().find((i) => i.kind === 'domain' && i.value === domain.trim().toLowerCase().replace(/\.$/u, '') && i.dkimTokens.length > 0)?.dkimTokens ?? [])
      : [];
  const parsed = checklistInputSchema.safeParse({
    domain,
    ...(values.platform !== undefined ? { platform: values.platform } : {}),
    ...(values.route !== undefined ? { route: values.route } : {}),
    relaySelectors: typedSelectors.length > 0 ? typedSelectors : identityTokens,
    selectors: asStrings(values.selector),
    ...(typeof values.ip === 'string' ? { sendingIp: values.ip } : {}),
    ...(typeof values['smtp-host'] === 'string' ? { smtpHost: values['smtp-host'] } : {}),
    ...(typeof values.helo === 'string' ? { heloName: values.helo, heloSource: 'user' } : {}),
    ...(typeof values['forward-to'] === 'string' ? { forwardingAddress: values['forward-to'] } : {}),
    dnsServers: dnsServers.length > 0 ? dnsServers : services.store.settings().dnsServers,
  });
  if (!parsed.success) throw new UsageError(`${describeIssues(parsed.error.issues)}\n${CHECK_USAGE}`);
  const result = await services
    .createDispatcher()
    .dispatch('checks:run-checklist', { ...parsed.data, operationId: cliOperationId() });
  if (!result.ok) {
    if (result.error.code === 'invalid-input') throw new UsageError(result.error.message);
    return reportError(io, values.json === true, result.error);
  }
  const report = result.value as ChecklistReport;
  // A platform that warns about mailbox services' limits (Zuora's bulk invoice runs), for the service --smtp-host belongs to.
  const limits = values.platform !== undefined && typeof values['smtp-host'] === 'string' ? await sendingLimitsForHost(values.platform, values['smtp-host'], io.env) : null;
  // Zuora sends only from a verified identity that covers the From address (its saved identities, no DNS needed).
  const coverage = values.from === undefined ? null : coveredFrom(services.store.listSesIdentities(), values.from);
  const fromOk = coverage === null || (coverage.covered && coverage.verified);
  if (values.json === true) {
    printJson(io, {
      ...(coverage === null ? {} : { from: coverage.covered ? { covered: true, verified: coverage.verified, identityId: coverage.identity.id, identity: coverage.identity.value, how: coverage.how, message: coverage.message } : { covered: false, message: coverage.message } }),
      domain: report.domain,
      platform: report.platform,
      route: report.route,
      ok: report.ok,
      blocking: report.blocking,
      resolver: report.resolver,
      counts: report.counts,
      items: report.items.map((i) => ({
        id: i.id,
        title: i.title,
        status: i.status,
        required: i.required,
        requirement: i.requirement,
        needsInput: i.needsInput ?? null,
        summary: i.summary,
        evidence: i.evidence,
        fix: i.fix ?? null,
        references: i.references,
      })),
      zoneFile: report.zoneFile,
      ...(limits === null ? {} : { sendingLimits: limits }),
    });
  } else {
    // The app's words for the same verdict: a required item that could not be read is not said to fail.
    printText(io, `${report.domain} (${report.platform}, route ${report.route}) — ${verdictOf(report).sentence}\n\n`);
    for (const item of report.items) {
      const level = item.requirement.level === 'required' ? '' : ` [${item.requirement.level}]`;
      printText(io, `${MARK[item.status]} ${item.title}${level}: ${visibleText(item.summary)}\n`);
      if (item.status === 'needs-input' && item.needsInput !== undefined) printText(io, `    enter: ${item.needsInput.label} (${NEEDS_FLAG[item.needsInput.field]})\n`);
      if ((item.status === 'fail' || item.status === 'warn' || item.status === 'error') && item.fix !== undefined) {
        item.fix.steps.forEach((step, n) => printText(io, `    ${n + 1}. ${visibleText(step)}\n`));
        for (const record of item.fix.records) printText(io, `    publish: ${visibleText(record.name)} ${record.type} ${visibleText(record.value)}\n`);
      }
    }
    if (report.records.length > 0) printText(io, `\nZone-file snippet:\n${report.zoneFile}\n`);
    if (limits !== null) printText(io, `\n${sendingLimitLines(limits).join('\n')}\n`);
    if (coverage !== null) printText(io, `\n${coverageText(coverage)}\n`);
  }
  // Exit 0 when nothing required on the route fails or could not be checked (and --from is covered by a verified identity).
  return report.ok && fromOk ? EXIT.ok : EXIT.checkFailed;
}

/** The CLI flag for each field an item can ask for. */
const NEEDS_FLAG: Readonly<Record<CheckInputField, string>> = {
  relaySelectors: '--relay-selector',
  sendingIp: '--ip',
  heloName: '--helo',
  forwardingAddress: '--forward-to',
  smtpHost: '--smtp-host',
};

export async function runSpfCommand(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const usage = 'Usage: relayproof spf DOMAIN [--ip IP] [--sender ADDR] [--helo NAME] [--dns-server HOST:PORT]... [--json]';
  const options = parseOptions(args, parseConfig('spf'), true);
  const values = options.values as { json?: boolean; 'dns-server'?: string[]; ip?: string; sender?: string; helo?: string };
  const positionals = options.positionals;
  const domain = oneDomain(positionals, usage);
  const checked = checklistInputSchema.safeParse({
    domain,
    ...(typeof values.ip === 'string' ? { sendingIp: values.ip } : {}),
    ...(typeof values.sender === 'string' ? { sender: values.sender } : {}),
    ...(typeof values.helo === 'string' ? { heloName: values.helo } : {}),
  });
  if (!checked.success) throw new UsageError(describeIssues(checked.error.issues));
  const given = asStrings(values['dns-server']);
  const made = resolverFromSpecs(given.length > 0 ? given : openServices().store.settings().dnsServers);
  if ('errors' in made) throw new UsageError(made.errors.join(' '));
  const ip = checked.data.sendingIp;
  const item = await checkSpf({
    domain: checked.data.domain,
    // One answer per question for the whole run: the verdict reuses what the tree fetched.
    resolver: withRunMemo(made.resolver),
    client: ip === undefined ? undefined : { ip, sender: checked.data.sender, helo: checked.data.heloName },
  });
  const details = item.evidence.details?.kind === 'spf' ? item.evidence.details : null;
  const verdict = details?.verdict ?? null;
  const valid = item.status === 'pass' || item.status === 'warn';
  const ok = valid && (ip === undefined || verdict?.result === 'pass');
  if (values.json === true) {
    printJson(io, {
      domain: checked.data.domain,
      status: item.status,
      summary: item.summary,
      record: details?.record ?? null,
      lookups: details?.lookups ?? null,
      tree: details?.tree ?? null,
      ...(ip !== undefined ? { result: verdict?.result ?? null, verdict } : {}),
      findings: item.findings,
      fix: item.fix ?? null,
    });
  } else {
    printText(io, `${MARK[item.status]} SPF for ${checked.data.domain}: ${visibleText(item.summary)}\n`);
    if (details?.tree) for (const line of renderSpfTree(details.tree)) printText(io, `  ${visibleText(line)}\n`);
    if (details) printText(io, `  DNS lookups: ${details.lookups.total} of ${details.lookups.limit}; void lookups: ${details.lookups.void} of ${details.lookups.voidLimit}\n`);
    if (verdict !== null) printText(io, `\nVerdict for ${verdict.ip}: ${verdict.result} — ${visibleText(verdict.explanation)}\n`);
    if (!valid && item.fix !== undefined) item.fix.steps.forEach((step, n) => printText(io, `  ${n + 1}. ${visibleText(step)}\n`));
  }
  return ok ? EXIT.ok : EXIT.checkFailed;
}

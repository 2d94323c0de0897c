/**
 * `relayproof check DOMAIN`: the whole checklist, through the same code as the app;
 * `--dns-server` picks the resolvers. (`relayproof spf` is spf-command.ts.)
 */
import { checklistInputSchema, type CheckInputField, type ChecklistReport } from '../../src-preload/contract/checks-schemas';
import { verdictOf } from '../../src-preload/contract/checklist-verdict';
import { visibleText } from '../../src-preload/contract/visible-text';
import { describeIssues } from '../app/input-issues';
import type { Services } from '../services';
import { cliOperationId, EXIT, parseOptions, printJson, printText, reportError, UsageError, type CliIo, type ExitCode } from './io';
import { parseConfig } from './command-table';
import { sendingLimitsForHost } from './platform-guidance';
import { sendingLimitLines } from '../providers/platform-text';
import { coverageFor, coverageJson, coverageText } from './identity-commands';
import { SES_PLATFORM_ID } from '../../src-preload/contract/ses-identities';
import { asStrings, MARK, oneDomain } from './spf-command';

export const CHECK_USAGE =
  'Usage: relayproof check DOMAIN [--platform P] [--route connector|direct|ses] [--relay-selector S]... [--selector S]... [--ip IP] [--smtp-host H] [--helo NAME] [--forward-to ADDR] [--from ADDR [--environment ENV]] [--dns-server HOST:PORT]... [--json]';

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
    environment?: string;
  };
  const domain = oneDomain(options.positionals, CHECK_USAGE);
  if (values.from !== undefined && values.platform !== SES_PLATFORM_ID) throw new UsageError(`--from says which SES identity covers a From address: it needs --platform ${SES_PLATFORM_ID}.\n${CHECK_USAGE}`);
  if (values.environment !== undefined && values.from === undefined) throw new UsageError(`--environment says where --from must be covered: give --from too.\n${CHECK_USAGE}`);
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
  // Only the identities of --environment's verification group count (Zuora shares verifications within a group only).
  const coverage = values.from === undefined ? null : await coverageFor(services, values.from, values.environment, io, values.json === true);
  if (typeof coverage === 'number') return coverage;
  const fromOk = coverage === null || (coverage.covered && coverage.verified);
  if (values.json === true) {
    printJson(io, {
      ...(coverage === null ? {} : { from: coverageJson(coverage, values.environment) }),
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

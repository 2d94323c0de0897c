/**
 * `relayproof check DOMAIN`: the whole checklist, through the same code as the app;
 * `--dns-server` picks the resolvers. (`relayproof spf` is spf-command.ts.)
 *
 * The checklist's first DNS questions leave before the rest of the command has loaded
 * (checks/checklist-warmup.ts): its arguments that name DNS questions are checked with the
 * plain field rules first, and the contract's schemas, the platform data and the dispatcher
 * load while the answers are on their way. Nothing imported at the top of this file loads zod.
 */
import type { ChecklistReport, CheckInputField } from '../../src-preload/contract/checks-schemas';
import { verdictOf } from '../../src-preload/contract/checklist-verdict';
import { visibleText } from '../../src-preload/contract/visible-text';
import { acceptChecklistRequest, type ChecklistRequest } from '../../src-preload/contract/checklist-request';
import { SES_PLATFORM_ID } from '../../src-preload/contract/platform-ids';
import { warmChecklist, type ChecklistWarmup } from '../checks/checklist-warmup';
import type { EarlyQuestion } from '../dns/early-question';
import type { CheckServices } from './check-services';
import { cliOperationId, EXIT, parseOptions, printJson, printText, reportError, UsageError, type CliIo, type ExitCode } from './io';
import { parseConfig } from './command-table';
import { asStrings, MARK, oneDomain } from './check-args';
import { askableServers, checkUsageProblem, warmupInput, type CheckValues } from './check-warmup-input';

export const CHECK_USAGE =
  'Usage: relayproof check DOMAIN [--platform P] [--route connector|direct|ses] [--relay-selector S]... [--selector S]... [--ip IP] [--smtp-host H] [--helo NAME] [--forward-to ADDR] [--from ADDR [--environment ENV]] [--dns-server HOST:PORT]... [--json]';


/** `earlyQuestion`: the domain's TXT, asked while this module loaded (check-early-question.ts). */
export async function runCheckCommand(args: readonly string[], io: CliIo, openServices: () => Promise<CheckServices>, earlyQuestion: EarlyQuestion | null = null): Promise<ExitCode> {
  const options = parseOptions(args, parseConfig('check'), true);
  // parseArgs' inferred type loses the option names once wrapped; this is its shape.
  const values = options.values as CheckValues;
  const domain = oneDomain(options.positionals, CHECK_USAGE);
  const problem = checkUsageProblem(values);
  if (problem !== null) throw new UsageError(`${problem}\n${CHECK_USAGE}`);
  const given = asStrings(values['dns-server']);
  const typedSelectors = asStrings(values['relay-selector']);
  const early = warmupInput(domain, values);
  // Given servers: the questions leave now, before the schemas and the platform data load.
  let warmup: ChecklistWarmup | null = given.length > 0 && askableServers(given) && early !== null ? warmChecklist(early, given, earlyQuestion) : null;
  // What only some options print loads while the checklist runs, not after it.
  const extras = loadExtras(values);
  // Awaited below; a command refused before that must not leave a rejection unhandled.
  extras.catch(() => undefined);
  try {
    const services = await openServices();
    // The settings only when the command needs them: the saved DNS servers, or the SES identities (their DKIM tokens, --from).
    const sesIdentities = values.platform === SES_PLATFORM_ID && (typedSelectors.length === 0 || values.from !== undefined);
    const settings = given.length === 0 || sesIdentities ? await services.settings() : null;
    const dnsServers = given.length > 0 ? given : [...(settings?.settings().dnsServers ?? [])];
    if (warmup === null && early !== null && askableServers(dnsServers)) warmup = warmChecklist(early, dnsServers);
    // Zuora advanced SMTP: the DKIM tokens saved on the domain's identity, unless given (the three CNAMEs SES looks for).
    const identityTokens =
      values.platform === SES_PLATFORM_ID && typedSelectors.length === 0
        ? (settings?.listSesIdentities().find((i) => i.kind === 'domain' && i.value === early?.domain && i.dkimTokens.length > 0)?.dkimTokens ?? [])
        : [];
    const input = await checklistRequest({
      domain,
      ...(values.platform !== undefined ? { platform: values.platform } : {}),
      ...(values.route !== undefined ? { route: values.route } : {}),
      relaySelectors: typedSelectors.length > 0 ? typedSelectors : identityTokens,
      selectors: asStrings(values.selector),
      ...(typeof values.ip === 'string' ? { sendingIp: values.ip } : {}),
      ...(typeof values['smtp-host'] === 'string' ? { smtpHost: values['smtp-host'] } : {}),
      ...(typeof values.helo === 'string' ? { heloName: values.helo, heloSource: 'user' } : {}),
      ...(typeof values['forward-to'] === 'string' ? { forwardingAddress: values['forward-to'] } : {}),
      dnsServers,
      operationId: cliOperationId(),
    });
    const result = await (await services.createDispatcher({ warmup })).dispatch('checks:run-checklist', input);
    if (!result.ok) {
      if (result.error.code === 'invalid-input') throw new UsageError(result.error.message);
      return reportError(io, values.json === true, result.error);
    }
    return await printReport(io, values, result.value as ChecklistReport, settings, await extras);
  } finally {
    // Questions the run did not wait for (it ended early) must not keep the process alive.
    warmup?.stop();
  }
}

/**
 * The command's input parsed with the contract's rules: by the plain reader when it is sure
 * (checklist-request.ts: no zod, the common case), else by the schema, which also words
 * what it refuses.
 */
async function checklistRequest(raw: Record<string, unknown>): Promise<ChecklistRequest> {
  const accepted = acceptChecklistRequest(raw);
  if (accepted !== null) return accepted;
  const [{ checksChannels }, { describeIssues }] = await Promise.all([import('../../src-preload/contract/checks'), import('../app/input-issues')]);
  // Parsed once in this process: compiling the parser would cost more than the parse.
  const parsed = checksChannels['checks:run-checklist'].input.safeParse(raw, { jitless: true });
  if (!parsed.success) throw new UsageError(`${describeIssues(parsed.error.issues)}\n${CHECK_USAGE}`);
  return parsed.data;
}

/** The sending limits (--smtp-host) and the SES coverage (--from) print only for the options that ask for them. */
async function loadExtras(values: CheckValues) {
  const wantsLimits = values.platform !== undefined && typeof values['smtp-host'] === 'string';
  const [guidance, platformText, identities] = await Promise.all([
    wantsLimits ? import('./platform-guidance') : null,
    wantsLimits ? import('../providers/platform-text') : null,
    values.from !== undefined ? import('./identity-commands') : null,
  ]);
  return { guidance, platformText, identities };
}

async function printReport(
  io: CliIo,
  values: CheckValues,
  report: ChecklistReport,
  settings: Awaited<ReturnType<CheckServices['settings']>> | null,
  { guidance, platformText, identities }: Awaited<ReturnType<typeof loadExtras>>,
): Promise<ExitCode> {
  // A platform that warns about mailbox services' limits (Zuora's bulk invoice runs), for the service --smtp-host belongs to.
  const limits = guidance !== null && values.platform !== undefined && typeof values['smtp-host'] === 'string' ? await guidance.sendingLimitsForHost(values.platform, values['smtp-host'], io.env) : null;
  // Zuora sends only from a verified identity that covers the From address (its saved identities, no DNS needed).
  // Only the identities of --environment's verification group count (Zuora shares verifications within a group only).
  const coverage = identities === null || values.from === undefined || settings === null ? null : await identities.coverageFor(settings.listSesIdentities(), values.from, values.environment, io, values.json === true);
  if (typeof coverage === 'number') return coverage;
  const fromOk = coverage === null || (coverage.covered && coverage.verified);
  if (values.json === true) {
    printJson(io, {
      ...(coverage === null || identities === null ? {} : { from: identities.coverageJson(coverage, values.environment) }),
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
    if (limits !== null && platformText !== null) printText(io, `\n${platformText.sendingLimitLines(limits).join('\n')}\n`);
    if (coverage !== null && identities !== null) printText(io, `\n${identities.coverageText(coverage)}\n`);
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

/**
 * `relayproof check DOMAIN` (the whole checklist) and `relayproof spf DOMAIN` (the SPF
 * tree and, with --ip, the verdict a receiving server would reach). Both go through
 * the same code as the app; `--dns-server` picks the resolvers.
 */
import { checklistInputSchema, type CheckItem, type ChecklistReport } from '../../src-preload/contract/checks-schemas';
import { checkSpf } from '../checks/spf';
import { renderSpfTree } from '../checks/spf-tree';
import { resolverFromSpecs } from '../dns/resolver';
import { visibleText } from '../../src-preload/contract/visible-text';
import { describeIssues } from '../app/input-issues';
import type { Services } from '../services';
import { cliOperationId, EXIT, parseOptions, printJson, printText, reportError, UsageError, type CliIo, type ExitCode } from './io';

const MARK: Record<CheckItem['status'], string> = { pass: '✓', warn: '!', fail: '✗', pending: '…', error: '?' };

function oneDomain(positionals: readonly string[], usage: string): string {
  const [domain] = positionals;
  if (domain === undefined || positionals.length !== 1) throw new UsageError(usage);
  return domain;
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];
}

export async function runCheckCommand(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const usage = 'Usage: relayproof check DOMAIN [--platform ID] [--selector S]... [--ip IP] [--dns-server HOST:PORT]... [--json]';
  const options = parseOptions(args, { 'dns-server': { type: 'string', multiple: true }, platform: { type: 'string' }, selector: { type: 'string', multiple: true }, ip: { type: 'string' } }, true);
  // parseArgs' inferred type loses the option names once wrapped; this is its shape.
  const values = options.values as { json?: boolean; 'dns-server'?: string[]; platform?: string; selector?: string[]; ip?: string };
  const positionals = options.positionals;
  const domain = oneDomain(positionals, usage);
  const services = openServices();
  const dnsServers = asStrings(values['dns-server']);
  const parsed = checklistInputSchema.safeParse({
    domain,
    ...(values.platform !== undefined ? { platform: values.platform } : {}),
    selectors: asStrings(values.selector),
    ...(typeof values.ip === 'string' ? { sendingIp: values.ip } : {}),
    dnsServers: dnsServers.length > 0 ? dnsServers : services.store.settings().dnsServers,
  });
  if (!parsed.success) throw new UsageError(describeIssues(parsed.error.issues));
  const result = await services
    .createDispatcher()
    .dispatch('checks:run-checklist', { ...parsed.data, operationId: cliOperationId() });
  if (!result.ok) return reportError(io, values.json === true, result.error);
  const report = result.value as ChecklistReport;
  const failed = report.items.some((i) => i.status === 'fail' || i.status === 'error');
  if (values.json === true) {
    printJson(io, {
      domain: report.domain,
      platform: report.platform,
      resolver: report.resolver,
      counts: report.counts,
      items: report.items.map((i) => ({ id: i.id, title: i.title, status: i.status, summary: i.summary, evidence: i.evidence, fix: i.fix ?? null, references: i.references })),
      zoneFile: report.zoneFile,
    });
  } else {
    printText(io, `${report.domain} (${report.platform}) — ${report.counts.pass} pass, ${report.counts.warn} warn, ${report.counts.fail} fail, ${report.counts.error} error\n\n`);
    for (const item of report.items) {
      printText(io, `${MARK[item.status]} ${item.title}: ${visibleText(item.summary)}\n`);
      if ((item.status === 'fail' || item.status === 'warn' || item.status === 'error') && item.fix !== undefined) {
        item.fix.steps.forEach((step, n) => printText(io, `    ${n + 1}. ${visibleText(step)}\n`));
        for (const record of item.fix.records) printText(io, `    publish: ${visibleText(record.name)} ${record.type} ${visibleText(record.value)}\n`);
      }
    }
    if (report.records.length > 0) printText(io, `\nZone-file snippet:\n${report.zoneFile}\n`);
  }
  return failed ? EXIT.checkFailed : EXIT.ok;
}

export async function runSpfCommand(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const usage = 'Usage: relayproof spf DOMAIN [--ip IP] [--sender ADDR] [--helo NAME] [--dns-server HOST:PORT]... [--json]';
  const options = parseOptions(args, { 'dns-server': { type: 'string', multiple: true }, ip: { type: 'string' }, sender: { type: 'string' }, helo: { type: 'string' } }, true);
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
    resolver: made.resolver,
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

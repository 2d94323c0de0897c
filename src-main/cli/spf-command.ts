/**
 * `relayproof spf DOMAIN`: the SPF tree and, with --ip, the verdict a receiving server
 * would reach, through the same engine as the app. Its arguments are checked with the
 * contract's plain field rules, not its zod schemas: loading zod and building the
 * checklist's schemas took longer than the whole evaluation's DNS at 50 ms an answer,
 * and this command is measured against `spfquery`, which pays for neither.
 */
import { checkDomainName, checkIpAddress, checkSafeText, type PlainCheck } from '../../src-preload/contract/plain-fields';
import { visibleText } from '../../src-preload/contract/visible-text';
import { describeIssues } from '../app/input-issues';
import { checkSpf } from '../checks/spf';
import { renderSpfTree } from '../checks/spf-tree';
import { resolverFromSpecs } from '../dns/resolver';
import { withRunMemo } from '../dns/run-memo';
import type { Services } from '../services';
import { asStrings, MARK, oneDomain } from './check-args';
import { parseConfig } from './command-table';
import { EXIT, parseOptions, printJson, printText, UsageError, type CliIo, type ExitCode } from './io';


const SPF_USAGE = 'Usage: relayproof spf DOMAIN [--ip IP] [--sender ADDR] [--helo NAME] [--dns-server HOST:PORT]... [--json]';

/** The checklist input's fields this command takes, checked as the checklist's schema checks them, named as it names them. */
function checkedInput(domain: string, values: { ip?: string; sender?: string; helo?: string }) {
  const fields: ReadonlyArray<readonly [string, PlainCheck | undefined]> = [
    ['domain', checkDomainName(domain)],
    ['sendingIp', values.ip === undefined ? undefined : checkIpAddress(values.ip)],
    ['sender', values.sender === undefined ? undefined : checkSafeText('The envelope sender', 320, values.sender)],
    ['heloName', values.helo === undefined ? undefined : checkSafeText('The HELO name', 253, values.helo)],
  ];
  const issues = fields.flatMap(([path, check]) => (check === undefined || check.ok ? [] : check.messages.map((message) => ({ path: [path], message }))));
  if (issues.length > 0) throw new UsageError(describeIssues(issues));
  const value = (name: string): string | undefined => {
    const check = fields.find(([path]) => path === name)?.[1];
    return check?.ok === true ? check.value : undefined;
  };
  return { domain: value('domain') ?? domain, sendingIp: value('sendingIp'), sender: value('sender'), heloName: value('heloName') };
}

export async function runSpfCommand(args: readonly string[], io: CliIo, openServices: () => Services): Promise<ExitCode> {
  const options = parseOptions(args, parseConfig('spf'), true);
  const values = options.values as { json?: boolean; 'dns-server'?: string[]; ip?: string; sender?: string; helo?: string };
  const checked = checkedInput(oneDomain(options.positionals, SPF_USAGE), values);
  const given = asStrings(values['dns-server']);
  const made = resolverFromSpecs(given.length > 0 ? given : openServices().store.settings().dnsServers);
  if ('errors' in made) throw new UsageError(made.errors.join(' '));
  const ip = checked.sendingIp;
  const item = await checkSpf({
    domain: checked.domain,
    // One answer per question for the whole run: the verdict reuses what the tree fetched.
    resolver: withRunMemo(made.resolver),
    client: ip === undefined ? undefined : { ip, sender: checked.sender, helo: checked.heloName },
  });
  const details = item.evidence.details?.kind === 'spf' ? item.evidence.details : null;
  const verdict = details?.verdict ?? null;
  const valid = item.status === 'pass' || item.status === 'warn';
  const ok = valid && (ip === undefined || verdict?.result === 'pass');
  if (values.json === true) {
    printJson(io, {
      domain: checked.domain,
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
    printText(io, `${MARK[item.status]} SPF for ${checked.domain}: ${visibleText(item.summary)}\n`);
    if (details?.tree) for (const line of renderSpfTree(details.tree)) printText(io, `  ${visibleText(line)}\n`);
    if (details) printText(io, `  DNS lookups: ${details.lookups.total} of ${details.lookups.limit}; void lookups: ${details.lookups.void} of ${details.lookups.voidLimit}\n`);
    if (verdict !== null) printText(io, `\nVerdict for ${verdict.ip}: ${verdict.result} — ${visibleText(verdict.explanation)}\n`);
    if (!valid && item.fix !== undefined) item.fix.steps.forEach((step, n) => printText(io, `  ${n + 1}. ${visibleText(step)}\n`));
  }
  return ok ? EXIT.ok : EXIT.checkFailed;
}

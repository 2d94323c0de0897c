/**
 * `relayproof blocklist TARGET`: an IP address or a domain against the DNS blocklists of
 * resources/blocklists.json (or the zones named with --list), through the same resolver
 * and DNS servers as `check` and `spf`.
 */
import type { BlocklistResult } from '../../src-preload/contract/blocklist-schemas';
import { findResourcesDir } from '../app/resources-dir';
import { unreadableResource } from '../app/json-resource';
import { loadBlocklists, selectLists } from '../blocklists/blocklist-catalogue';
import { checkBlocklists, parseBlocklistTarget } from '../blocklists/dnsbl';
import { resolverFromSpecs } from '../dns/resolver';
import type { SettingsSnapshot } from '../store/settings-snapshot';
import { parseConfig } from './command-table';
import { EXIT, oneLine, parseOptions, printJson, printText, reportError, UsageError, type CliIo, type ExitCode } from './io';

export const BLOCKLIST_USAGE = 'Usage: relayproof blocklist TARGET [--list ZONE]... [--dns-server HOST:PORT]... [--json]   (TARGET: an IPv4 or IPv6 address, or a domain)';

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];
}

function mark(result: BlocklistResult): string {
  if (result.status === 'not-listed') return '✓';
  if (result.status !== 'listed') return '?';
  return result.severity === 'blocking' ? '✗' : '!';
}

/** Exit 1 when a list blocks the target or could not be read (its answer is unknown). */
export function blocklistExitCode(results: readonly BlocklistResult[]): ExitCode {
  return results.some((r) => (r.status === 'listed' && r.severity === 'blocking') || r.severity === 'unknown') ? EXIT.checkFailed : EXIT.ok;
}

export async function runBlocklistCommand(args: readonly string[], io: CliIo, readSettings: () => Promise<Pick<SettingsSnapshot, 'settings'>>): Promise<ExitCode> {
  const options = parseOptions(args, parseConfig('blocklist'), true);
  const values = options.values as { json?: boolean; list?: string[]; 'dns-server'?: string[] };
  const [text] = options.positionals;
  if (text === undefined || options.positionals.length !== 1) throw new UsageError(BLOCKLIST_USAGE);
  const target = parseBlocklistTarget(text);
  if (target === null) throw new UsageError(`"${oneLine(text)}" is neither an IP address nor a domain.\n${BLOCKLIST_USAGE}`);
  const json = values.json === true;
  const loaded = await loadBlocklists(findResourcesDir());
  if (!loaded.ok) return reportError(io, json, unreadableResource('blocklists', loaded.problems).error);
  const chosen = selectLists(loaded.value, target.kind, asStrings(values.list));
  if ('error' in chosen) throw new UsageError(chosen.error);
  const given = asStrings(values['dns-server']);
  const made = resolverFromSpecs(given.length > 0 ? given : (await readSettings()).settings().dnsServers);
  if ('errors' in made) throw new UsageError(made.errors.join(' '));
  const report = await checkBlocklists(target, { resolver: made.resolver, lists: chosen.lists });
  if (json) {
    printJson(io, report);
  } else {
    const listed = report.results.filter((r) => r.status === 'listed');
    const unread = report.results.filter((r) => r.status === 'error' || r.status === 'blocked-resolver');
    const lists = report.results.length;
    printText(
      io,
      `${report.target} (${report.kind === 'ip' ? 'IP address' : 'domain'}): ${listed.length === 0 ? `not listed on ${lists === 1 ? 'the list' : `any of ${lists} lists`}` : `listed on ${listed.length} of ${lists} lists${report.blocking ? '' : ', none of them blocking'}`}${unread.length > 0 ? `; ${unread.length} could not be read` : ''}\n`,
    );
    for (const r of report.results) {
      const label = r.status === 'listed' ? `listed (${r.severity})` : r.status;
      printText(io, `${mark(r)} ${r.list} (${r.zone}): ${label}${r.status === 'not-listed' ? '' : ` — ${oneLine(r.meaning)}`}\n`);
      if (r.txt !== null) printText(io, `    reason: ${oneLine(r.txt)}\n`);
      if (r.delist !== null && r.status === 'listed' && r.severity !== 'policy') printText(io, `    delist: ${r.delist}\n`);
    }
  }
  return blocklistExitCode(report.results);
}

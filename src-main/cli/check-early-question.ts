/**
 * `relayproof check DOMAIN --dns-server S`: the domain's TXT record (where its SPF chain
 * starts) is asked before the command's own modules load, from what `run.ts` has at hand:
 * the arguments, read with the command's option table as `io.ts` reads them, and checked
 * with the same rules as the command's warm-up (check-warmup-input.ts). Any doubt (options
 * the table refuses, no single domain, options the command refuses before asking anything,
 * an argument or server the rules refuse, more servers than a checklist takes, a name that
 * is not plain ASCII) asks nothing here: the command then checks and asks as it always does.
 */
import { parseArgs } from 'node:util';
import { sendEarlyQuestion, type EarlyQuestion } from '../dns/early-question';
import { parseServerSpec } from '../dns/server-spec';
import { parseConfig } from './command-table';
import { askableServers, checkUsageProblem, warmupInput, type CheckValues } from './check-warmup-input';

export function askEarlyCheckQuestion(args: readonly string[]): EarlyQuestion | null {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options: { json: { type: 'boolean' }, ...parseConfig('check') }, allowPositionals: true, strict: true });
  } catch {
    return null;
  }
  const values = parsed.values as CheckValues;
  const given = values['dns-server'] ?? [];
  const [domain] = parsed.positionals;
  if (parsed.positionals.length !== 1 || domain === undefined || given.length === 0 || checkUsageProblem(values) !== null || !askableServers(given)) return null;
  const input = warmupInput(domain, values);
  const server = parseServerSpec(given[0] ?? '');
  if (input === null || 'error' in server) return null;
  return sendEarlyQuestion(server, input.domain, 'TXT');
}

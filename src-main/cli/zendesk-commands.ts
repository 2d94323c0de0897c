/**
 * `relayproof zendesk disconnect-script`: from an address export, a bash (curl + jq) or
 * PowerShell script that removes or updates the Zendesk support addresses one at a time
 * through Zendesk's support-addresses API (src-preload/contract/disconnect-script.ts).
 * Reads the export file and resources/platforms only: no settings, keychain or network.
 */
import { writeFile } from 'node:fs/promises';
import { addressExportSchema } from '../../src-preload/contract/addresses';
import { DISCONNECT_ENV, disconnectActions, disconnectShells, generateDisconnectScript, type DisconnectAction, type DisconnectShell } from '../../src-preload/contract/disconnect-script';
import { findResourcesDir } from '../app/resources-dir';
import { unreadableResource } from '../app/json-resource';
import { loadPlatforms } from '../providers/platforms';
import { parseConfig } from './command-table';
import { EXIT, oneLine, parseOptions, printJson, printText, readUserFile, reportError, UsageError, type CliIo, type ExitCode } from './io';

const USAGE =
  'Usage: relayproof zendesk disconnect-script --from-export FILE --shell bash|powershell [--action remove|update] [--name NAME] [--brand-id ID] [--subdomain S] [--environment sandbox|production] [--out FILE] [--json]';

/** An export of 1,000 addresses is about 400 KB. */
const MAX_EXPORT_BYTES = 1_000_000;

export async function runZendeskCommand(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const [sub, ...rest] = args;
  if (sub !== 'disconnect-script') throw new UsageError(USAGE);
  const { values: v } = parseOptions(rest, parseConfig('zendesk disconnect-script'));
  const values = v as {
    json?: boolean;
    'from-export'?: string;
    shell?: string;
    action?: string;
    name?: string;
    'brand-id'?: string;
    subdomain?: string;
    environment?: string;
    out?: string;
  };
  const json = values.json === true;
  const file = values['from-export'];
  if (file === undefined || values.shell === undefined) throw new UsageError(USAGE);
  if (!(disconnectShells as readonly string[]).includes(values.shell)) throw new UsageError(`--shell must be ${disconnectShells.join(' or ')}.\n${USAGE}`);
  const action = values.action ?? 'remove';
  if (!(disconnectActions as readonly string[]).includes(action)) throw new UsageError(`--action must be ${disconnectActions.join(' or ')}.\n${USAGE}`);

  const platforms = await loadPlatforms(findResourcesDir(io.env));
  if (!platforms.ok) return reportError(io, json, unreadableResource('platforms', platforms.problems).error);
  const zendesk = platforms.platforms.get('zendesk');
  if (zendesk?.addressApi === undefined) return reportError(io, json, { code: 'internal', message: 'resources/platforms/zendesk.json has no addressApi: Relayproof does not know the support-addresses API.' });

  const read = await readUserFile(file, MAX_EXPORT_BYTES, 'the address export');
  if (!read.ok) return reportError(io, json, { code: 'invalid-input', message: read.message, hint: 'Give the .json file that `relayproof address export` or the Addresses view saved.' });
  let document: unknown;
  try {
    document = JSON.parse(read.text);
  } catch (error) {
    return reportError(io, json, { code: 'invalid-input', message: `${file} is not valid JSON${error instanceof SyntaxError ? ` (${error.message})` : ''}.`, hint: 'Give the address export unchanged.' });
  }
  const parsed = addressExportSchema.safeParse(document);
  if (!parsed.success) {
    return reportError(io, json, { code: 'invalid-input', message: `${file} is not a Relayproof address export.`, hint: 'Give the .json file that `relayproof address export` or the Addresses view saved.' });
  }

  const update = action === 'update' || values.name !== undefined || values['brand-id'] !== undefined ? { name: values.name, brandId: values['brand-id'] } : undefined;
  const generated = generateDisconnectScript({
    shell: values.shell as DisconnectShell,
    action: action as DisconnectAction,
    ...(update !== undefined ? { update } : {}),
    rows: parsed.data.addresses,
    platform: { id: zendesk.id, shortName: zendesk.shortName, addressApi: zendesk.addressApi },
    subdomain: values.subdomain,
    environment: values.environment,
    generatedAt: new Date().toISOString(),
  });
  if (!generated.ok) return reportError(io, json, { code: 'invalid-input', message: generated.message, hint: generated.hint });
  const { script, fileName, addresses, skipped } = generated.value;

  if (values.out !== undefined) {
    try {
      await writeFile(values.out, script, { encoding: 'utf8', mode: 0o700 });
    } catch (error) {
      return reportError(io, json, { code: 'internal', message: `Could not write ${values.out}: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  if (json) {
    printJson(io, { ok: true, shell: values.shell, action, fileName, addresses, skipped, ...(values.out !== undefined ? { writtenTo: values.out } : { script }) });
    return EXIT.ok;
  }
  if (values.out === undefined) {
    printText(io, script);
    // The summary goes to stderr, so `> file` keeps the script alone.
    io.stderr.write(summary(zendesk.shortName, addresses.length, skipped, action));
  } else {
    printText(io, `Wrote ${values.out}: ${summary(zendesk.shortName, addresses.length, skipped, action)}`);
  }
  return EXIT.ok;
}

function summary(name: string, count: number, skipped: readonly { address: string; reason: string }[], action: string): string {
  const head = `The script ${action === 'remove' ? 'removes' : 'updates'} ${count} ${name} address${count === 1 ? '' : 'es'}, one at a time. Set ${DISCONNECT_ENV.email} and ${DISCONNECT_ENV.token} in the environment before running it; run it at a low-traffic time.\n`;
  return head + skipped.map((s) => `  Left out: ${oneLine(s.address)} (${oneLine(s.reason)})\n`).join('');
}

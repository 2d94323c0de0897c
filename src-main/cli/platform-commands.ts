/**
 * `relayproof platform show ID` and `relayproof platform list`: what Relayproof knows of
 * each connector platform, read from resources/platforms (and the provider presets'
 * sending limits) and nothing else. No settings, keychain or network: the data files only.
 */
import { findResourcesDir } from '../app/resources-dir';
import { unreadableResource } from '../app/json-resource';
import { loadPlatforms, unknownPlatformMessage } from '../providers/platforms';
import { loadProviders } from '../providers/providers';
import { platformListText, platformText } from '../providers/platform-text';
import { parseConfig } from './command-table';
import { EXIT, parseOptions, printJson, printText, reportError, UsageError, type CliIo, type ExitCode } from './io';

const USAGE = 'Usage: relayproof platform show zendesk|zuora|zuora-ses|clienttether|generic [--json]\n       relayproof platform list [--json]';

export async function runPlatformCommand(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const [sub, ...rest] = args;
  if (sub !== 'show' && sub !== 'list') throw new UsageError(USAGE);
  const { values, positionals } = parseOptions(rest, parseConfig(`platform ${sub}`), true);
  const json = values.json === true;
  if (sub === 'list' ? positionals.length !== 0 : positionals.length !== 1) throw new UsageError(USAGE);
  const resources = findResourcesDir(io.env);
  const platforms = await loadPlatforms(resources);
  if (!platforms.ok) return reportError(io, json, unreadableResource('platforms', platforms.problems).error);
  const all = [...platforms.platforms.values()];
  if (sub === 'list') {
    if (json) printJson(io, all.map((p) => ({ id: p.id, label: p.label, name: p.name, summary: p.summary, source: p.source })));
    else printText(io, platformListText(all));
    return EXIT.ok;
  }
  const id = positionals[0] ?? '';
  const platform = platforms.platforms.get(id);
  if (platform === undefined) throw new UsageError(unknownPlatformMessage(id, platforms.platforms));
  const providers = await loadProviders(resources);
  if (!providers.ok) return reportError(io, json, unreadableResource('providers', providers.problems).error);
  // The providers the platform's sending-limit warning names, with their limits: the numbers the warning stands for.
  const limited = (platform.sendingLimitWarning?.providers ?? []).flatMap((pid) => {
    const preset = providers.providers.find((p) => p.id === pid);
    return preset?.sendingLimits === undefined ? [] : [{ id: preset.id, name: preset.name, sendingLimits: preset.sendingLimits }];
  });
  if (json) printJson(io, { platform, providerSendingLimits: limited });
  else printText(io, platformText(platform, providers.providers));
  return EXIT.ok;
}

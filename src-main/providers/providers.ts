/**
 * Mail-provider presets as data (resources/providers/<id>.json): host, port and security
 * of each provider's submission service, what goes in the username and secret fields,
 * what to warn about, and what in DNS points to it. Every *.json in the folder is a
 * preset, so a provider is added by adding a file; each is validated here with zod and
 * every problem is reported with its file and field.
 */
import { readdir } from 'node:fs/promises';
import { readJsonResource, readUtf8 } from '../app/json-resource';
import { join } from 'node:path';
import { providerPresetSchema, type ProviderEndpoint, type ProviderPreset } from '../../src-preload/contract/providers';

export { providerPresetSchema, type ProviderEndpoint, type ProviderPreset } from '../../src-preload/contract/providers';

/** The id of the entry for the admin's own server; the wizard always offers it, last. */
export const CUSTOM_PROVIDER_ID = 'custom';

/**
 * The order the wizard lists presets in: the big mailbox services first, then the
 * consumer accounts, then the sending services. A preset added by a JSON file but not
 * named here comes after these (by name), and Custom is always last.
 */
export const PROVIDER_ORDER: readonly string[] = [
  'microsoft-365',
  'google-workspace',
  'google-smtp-relay',
  'gmail',
  'outlook-com',
  'icloud',
  'amazon-ses',
  'sendgrid',
  'mailgun-us',
  'mailgun-eu',
  'postmark',
];

export type LoadProvidersResult = { readonly ok: true; readonly providers: readonly ProviderPreset[] } | { readonly ok: false; readonly problems: readonly string[] };

export interface LoadProvidersOptions {
  readonly readFile?: (path: string) => Promise<string>;
  readonly readDir?: (path: string) => Promise<string[]>;
}

/** Read and validate every preset in `<resourcesDir>/providers`, in the wizard's order. */
export async function loadProviders(resourcesDir: string, options: LoadProvidersOptions = {}): Promise<LoadProvidersResult> {
  const read = options.readFile ?? readUtf8;
  const list = options.readDir ?? ((path: string) => readdir(path));
  const dir = join(resourcesDir, 'providers');
  let names: string[];
  try {
    names = (await list(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (error) {
    return { ok: false, problems: [`${dir}: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const problems: string[] = [];
  const presets: ProviderPreset[] = [];
  await Promise.all(
    names.map(async (name) => {
      const file = join(dir, name);
      const expected = name.slice(0, -'.json'.length);
      const parsed = await readJsonResource(file, providerPresetSchema, read);
      if (!parsed.ok) {
        problems.push(...parsed.problems);
        return;
      }
      const preset = parsed.value;
      const own: string[] = [];
      if (preset.id !== expected) own.push(`${file}: id: is "${preset.id}", expected "${expected}" (the file name)`);
      preset.endpoints.forEach((endpoint, index) => {
        const problem = endpointSecurityProblem(endpoint);
        if (problem !== null) own.push(`${file}: endpoints.${index}: ${problem}`);
      });
      if (preset.custom !== (preset.id === CUSTOM_PROVIDER_ID)) own.push(`${file}: custom: only the "${CUSTOM_PROVIDER_ID}" entry has "custom": true`);
      if (own.length > 0) problems.push(...own);
      else presets.push(preset);
    }),
  );
  if (names.length > 0 && !names.includes(`${CUSTOM_PROVIDER_ID}.json`)) {
    problems.push(`${dir}: ${CUSTOM_PROVIDER_ID}.json is missing; the wizard needs it for servers without a preset`);
  }
  if (names.length === 0) problems.push(`${dir}: no provider presets (*.json) found`);
  return problems.length > 0 ? { ok: false, problems: problems.sort() } : { ok: true, providers: orderProviders(presets) };
}

/**
 * A preset must never pair a well-known port with the other kind of TLS: 465 and 2465
 * are implicit TLS (RFC 8314 §3.3), 587, 2587, 25 and 2525 start plain and upgrade
 * (RFC 6409, RFC 3207). A preset never offers a connection without TLS.
 */
export function endpointSecurityProblem(endpoint: Pick<ProviderEndpoint, 'port' | 'security' | 'host'>): string | null {
  const { port, security, host } = endpoint;
  if (security === 'none') return `${host}:${port} has security "none": a preset never sends a password without TLS`;
  if ((port === 465 || port === 2465) && security !== 'tls') return `${host}:${port} is an implicit-TLS port (RFC 8314), so its security must be "tls", not "${security}"`;
  if ([25, 587, 2525, 2587].includes(port) && security !== 'starttls') return `${host}:${port} is a STARTTLS port (RFC 6409, RFC 3207), so its security must be "starttls", not "${security}"`;
  return null;
}

/** Known presets in PROVIDER_ORDER, others by name, Custom last. */
export function orderProviders(presets: readonly ProviderPreset[]): ProviderPreset[] {
  const rank = (p: ProviderPreset) => {
    if (p.id === CUSTOM_PROVIDER_ID) return Number.MAX_SAFE_INTEGER;
    const known = PROVIDER_ORDER.indexOf(p.id);
    return known === -1 ? PROVIDER_ORDER.length : known;
  };
  return [...presets].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name, 'en'));
}

/** The endpoint a preset offers first: its first recommended one, else its first. */
export function preferredEndpoint(preset: ProviderPreset, region?: string): ProviderEndpoint | undefined {
  const inRegion = region === undefined ? preset.endpoints : preset.endpoints.filter((e) => e.region === region);
  return inRegion.find((e) => e.recommended) ?? inRegion[0] ?? preset.endpoints.find((e) => e.recommended) ?? preset.endpoints[0];
}

/**
 * The preset-defaulting rule, shared by the connect wizard and `relayproof address add`:
 * what a mail-provider preset (resources/providers) fills in for an address. Pure, so
 * the app and the CLI never pick different servers or sign-in names for one preset.
 */
import type { ProviderEndpoint, ProviderPreset } from './providers';
import type { AuthKind } from './fields';

/** What the admin has given so far. */
export interface PresetInput {
  /** The address being connected (some providers sign in with it). */
  readonly address: string;
  /** An endpoint the admin picked (the wizard's region/endpoint choice). */
  readonly endpoint?: ProviderEndpoint | undefined;
  /** A username the admin gave explicitly (`--user`): it wins over the preset's. */
  readonly username?: string | undefined;
  /** What the username field holds now: kept when the preset has no username of its own. */
  readonly currentUsername?: string | undefined;
  /** A sign-in method the admin gave explicitly (`--auth-kind`): it wins. */
  readonly authKind?: AuthKind | undefined;
  /** The method chosen before: kept when the preset offers it. */
  readonly currentAuthKind?: AuthKind | null | undefined;
}

export interface PresetDefaults {
  /** The picked endpoint, else the preset's recommended one, else its first; none for a custom server. */
  readonly endpoint: ProviderEndpoint | undefined;
  /** Undefined when nothing gives one (the admin must type it). */
  readonly username: string | undefined;
  readonly authKind: AuthKind;
}

export function presetDefaults(preset: Pick<ProviderPreset, 'endpoints' | 'username' | 'authKinds'>, input: PresetInput): PresetDefaults {
  const endpoint = input.endpoint ?? preset.endpoints.find((e) => e.recommended) ?? preset.endpoints[0];
  // A fixed sign-in name (SendGrid's literal `apikey`) is what the provider accepts; a
  // provider that signs in with the mailbox address gets the address.
  const username = input.username ?? preset.username.fixed ?? (preset.username.sameAsAddress ? input.address.trim() : input.currentUsername);
  const current = input.currentAuthKind ?? null;
  const authKind = input.authKind ?? (current !== null && preset.authKinds.includes(current) ? current : (preset.authKinds[0] ?? 'password'));
  return { endpoint, username, authKind };
}

/**
 * One vocabulary for the connector platforms. Which platforms exist, their ids, names
 * and order are data: resources/platforms/<id>.json, validated when main loads them and
 * served to the renderer on `platforms:list`. The app, browser mode and the CLI name a
 * platform only through these helpers, so adding a platform is a JSON file, not a code
 * change in six tables.
 */
import { z } from 'zod';
import { GENERIC_PLATFORM_ID, PLATFORM_ID_MESSAGE, PLATFORM_ID_PATTERN } from './platform-ids';

export { GENERIC_PLATFORM_ID };

/** `resources/platforms/<id>.json`: lower-case letters, digits and hyphens. */
export const platformIdSchema = z
  .string()
  .regex(PLATFORM_ID_PATTERN, { message: PLATFORM_ID_MESSAGE });
export type PlatformId = z.infer<typeof platformIdSchema>;

/** What a platform is called, from its JSON file. */
export interface PlatformWords {
  readonly id: PlatformId;
  /** The connector as the platform names it: "Zendesk (Authenticated SMTP Connector)". */
  readonly name: string;
  /** Short enough for a table cell or a select: "Zuora advanced SMTP (Amazon SES)". */
  readonly label: string;
  /** In a sentence: "Zendesk", "Zuora", "the platform". */
  readonly shortName: string;
}

export interface PlatformNaming {
  /** False until the list is known (the names are then the ids). */
  readonly loaded: boolean;
  /** The platforms' ids in their display order. */
  readonly ids: readonly PlatformId[];
  /** A new form's platform: the first in display order (generic before the list is known). */
  readonly defaultId: PlatformId;
  /** id → label, in display order (a select's options). */
  readonly labels: Readonly<Record<PlatformId, string>>;
  has(id: string): boolean;
  /** Each falls back to the id itself for a platform not in the list (not loaded yet, or no longer installed). */
  name(id: string): string;
  label(id: string): string;
  shortName(id: string): string;
}

export function platformNaming(platforms: readonly PlatformWords[] | undefined): PlatformNaming {
  const byId = new Map((platforms ?? []).map((p) => [p.id, p] as const));
  return {
    loaded: platforms !== undefined,
    ids: [...byId.keys()],
    defaultId: platforms?.[0]?.id ?? GENERIC_PLATFORM_ID,
    labels: Object.fromEntries([...byId.values()].map((p) => [p.id, p.label])),
    has: (id) => byId.has(id),
    name: (id) => byId.get(id)?.name ?? id,
    label: (id) => byId.get(id)?.label ?? id,
    shortName: (id) => byId.get(id)?.shortName ?? id,
  };
}

/** "the platform sends …" → "The platform sends …" at the start of a sentence. */
export function sentenceStart(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A platform's forwarding pattern filled in: `support@{subdomain}.zendesk.com` → `support@acme.zendesk.com`. */
export function forwardingAddress(pattern: string, subdomain: string): string {
  return pattern.replaceAll('{subdomain}', subdomain.trim().toLowerCase());
}

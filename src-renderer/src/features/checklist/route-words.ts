/**
 * The sending routes in the admin's words: the checklist names a route by its label from
 * resources/platforms (served on `platforms:list`), never by its id.
 */
import type { CheckItem } from '../../../../src-preload/contract/checks-schemas';
import type { Platform, PlatformRoute } from '../../../../src-preload/contract/providers';

/** The route an address of the platform takes when none is chosen. */
export function defaultRoute(platform: Pick<Platform, 'routes'> | undefined): PlatformRoute | undefined {
  return platform?.routes.find((r) => r.default) ?? platform?.routes[0];
}

export const levelLabels = {
  required: 'Required',
  recommended: 'Recommended',
  optional: 'Optional',
  'not-needed': 'Not needed',
} as const satisfies Record<CheckItem['requirement']['level'], string>;

/**
 * "Required on the route Through your mail server (…)" / "Recommended on every route".
 * `routeLabel` null: the route is not known by name (platform list not loaded yet).
 */
export function requirementHeadline(requirement: CheckItem['requirement'], routeLabel: string | null): string {
  const level = levelLabels[requirement.level];
  if (requirement.route === null) return `${level} on every route`;
  return routeLabel === null ? `${level} on this sending route` : `${level} on the route “${routeLabel}”`;
}

/**
 * A planned check's id in words, for the list of checks still running (their titles
 * arrive with their results): `dkim:zendesk1` → "DKIM key zendesk1".
 */
export function checkIdWords(id: string): string {
  const [kind, rest] = id.split(/:(.*)/su, 2);
  switch (kind) {
    case 'dkim':
      return rest === '*' ? 'DKIM key (selector not known yet)' : `DKIM key ${rest ?? ''}`;
    case 'spf':
      return 'SPF';
    case 'dmarc':
      return 'DMARC';
    case 'mx':
      return 'MX';
    case 'ptr':
      return 'reverse DNS';
    case 'helo':
      return 'HELO name';
    case 'mta-sts':
      return 'MTA-STS';
    case 'tls-rpt':
      return 'TLS reporting';
    case 'bimi':
      return 'BIMI';
    case 'forwarding':
      return 'forwarding';
    default:
      return id;
  }
}

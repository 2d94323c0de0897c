import type { AuthKind, Environment, Security } from '../../../../src-preload/contract';

export const environmentLabels = {
  production: 'Production',
  sandbox: 'Sandbox',
  // Zuora's other two sandboxes; a platform that does not offer one refuses it (its `environments`).
  'developer-sandbox': 'Developer Sandbox',
  'central-sandbox': 'Central Sandbox',
} as const satisfies Record<Environment, string>;

export const securityLabels = {
  starttls: 'STARTTLS',
  tls: 'Implicit TLS',
  none: 'None (diagnosis only)',
} as const satisfies Record<Security, string>;

/** Short form for the table, where the column already says "Security". */
export const securityShortLabels = {
  starttls: 'STARTTLS',
  tls: 'Implicit TLS',
  none: 'No TLS',
} as const satisfies Record<Security, string>;

export const authKindLabels = {
  password: 'Password',
  'app-password': 'App password',
  'api-key': 'API key',
  oauth2: 'OAuth 2.0',
} as const satisfies Record<AuthKind, string>;

/** RFC 6409 submission on 587 (STARTTLS), RFC 8314 implicit TLS on 465, relay on 25. */
export const defaultPorts = {
  starttls: 587,
  tls: 465,
  none: 25,
} as const satisfies Record<Security, number>;

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(date);
}

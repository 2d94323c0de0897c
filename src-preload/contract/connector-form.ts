/**
 * What to type into a platform's own SMTP form (Zuora's External SMTP), computed from the
 * platform's data (`smtpForm`) and the connection that passed: each field as the platform
 * labels it, with its value or "leave empty", the console path, the switch that turns the
 * form on, the error each wrong choice produces, and for OAuth 2.0 the provider form's
 * fields from the mail provider's preset. Also the sending-limit warning for a mailbox
 * service. Pure: the wizard, the CLI and `platform show` render the same result. A secret
 * is never a value here, only a placeholder.
 */
import type { AuthKind, Security } from './fields';
import type { OauthFormSource, PlatformSmtpForm, SmtpFormFieldRole } from './platform-smtp-form';
import type { Platform, ProviderPreset } from './providers';

/** How a row is filled: typed as shown, chosen in a list, left as the platform's default, or a secret kept elsewhere. */
export type FormRowKind = 'type' | 'choose' | 'leave-empty' | 'secret';

export interface FormRow {
  /** The field's label in the platform's form. */
  readonly field: string;
  /** The value to enter; for `leave-empty` and `secret`, what to do instead. */
  readonly value: string;
  readonly kind: FormRowKind;
  /** The field's role, for renderers that attach a copy button or the keychain's copy. */
  readonly role?: SmtpFormFieldRole | OauthFormSource;
}

export interface WrongChoiceGuide {
  readonly id: string;
  readonly choice: string;
  /** The platform's error, exactly as it shows it. */
  readonly phrase: string;
  readonly why: string;
  /** The platform's own meaning and action for that phrase (its `errorPhrases`); null when the phrase is not catalogued. */
  readonly meaning: string | null;
  readonly action: string | null;
}

export interface OauthProviderGuide {
  readonly consolePath: readonly string[];
  readonly rows: readonly FormRow[];
  /** What else the provider preset says (permissions to grant). */
  readonly note: string | null;
  /** Where the endpoint values come from; null when the preset has none and every value is a placeholder. */
  readonly source: string | null;
}

export interface ConnectorFormGuide {
  readonly formName: string;
  readonly consolePath: readonly string[];
  readonly submit: string;
  readonly rows: readonly FormRow[];
  /** Why the security fields take these values. */
  readonly securityWhy: string;
  readonly deliverySwitch: PlatformSmtpForm['deliverySwitch'];
  /** The wrong choices for this connection's security mode only. */
  readonly wrongChoices: readonly WrongChoiceGuide[];
  readonly oauth: OauthProviderGuide | null;
  readonly source: string;
}

export interface FormConnection {
  readonly host: string;
  readonly port: number;
  readonly security: Security;
  readonly username: string;
  readonly authKind: AuthKind;
}

export interface FormOptions {
  /** The address's mail-provider preset (its OAuth 2.0 endpoints). */
  readonly provider?: Pick<ProviderPreset, 'name' | 'oauth2'> | undefined;
  /** What is known of the address's OAuth 2.0 app (never its secret). */
  readonly oauthApp?: { readonly tenantId?: string | undefined; readonly clientId?: string | undefined } | undefined;
}

export type FormGuideResult =
  | { readonly kind: 'guide'; readonly guide: ConnectorFormGuide }
  /** The platform has no form of its own in the data: the general host/port/username list applies. */
  | { readonly kind: 'no-form' }
  /** The connection cannot go into the form as it is (no TLS). */
  | { readonly kind: 'unsupported'; readonly message: string };

export const SECRET_PLACEHOLDER = 'The password stored in the OS keychain: paste it with Copy password (Relayproof never shows it).';
export const CLIENT_SECRET_PLACEHOLDER = "The client secret of your app registration, pasted from where you created it (Relayproof never stores or shows it).";

export function connectorFormGuide(platform: Pick<Platform, 'smtpForm' | 'errorPhrases' | 'shortName'>, connection: FormConnection, options: FormOptions = {}): FormGuideResult {
  const form = platform.smtpForm;
  if (form === undefined) return { kind: 'no-form' };
  if (connection.security === 'none') {
    return {
      kind: 'unsupported',
      message: `${platform.shortName} sends credentials and mail only over TLS: test the server with STARTTLS (usually port 587) or implicit TLS (usually port 465) first, then its ${form.name} values are shown here.`,
    };
  }
  const label = (role: SmtpFormFieldRole): string => form.fields[role] ?? role;
  const values = form.security[connection.security];
  const port = String(connection.port);
  const securityRow = (role: 'startTls' | 'socketFactoryClass' | 'socketFactoryPort' | 'socketFactoryFallback'): FormRow => {
    const value = values[role];
    return value === null
      ? { field: label(role), value: 'Leave empty', kind: 'leave-empty', role }
      : // true/false are chosen in the form; a class name or a port is typed (and copied).
        { field: label(role), value: value.replaceAll('{port}', port), kind: role === 'startTls' || role === 'socketFactoryFallback' ? 'choose' : 'type', role };
  };
  const oauth = connection.authKind === 'oauth2';
  const rows: FormRow[] = [
    { field: label('host'), value: connection.host, kind: 'type', role: 'host' },
    { field: label('port'), value: port, kind: 'type', role: 'port' },
    { field: label('authentication'), value: oauth ? form.authenticationValues.oauth2 : form.authenticationValues.password, kind: 'choose', role: 'authentication' },
    { field: label('username'), value: connection.username, kind: 'type', role: 'username' },
    oauth
      ? { field: label('oauthProvider'), value: `The OAuth 2.0 provider you create below (${oauthProviderName(connection)})`, kind: 'choose', role: 'oauthProvider' }
      : { field: label('password'), value: SECRET_PLACEHOLDER, kind: 'secret', role: 'password' },
    securityRow('startTls'),
    securityRow('socketFactoryClass'),
    securityRow('socketFactoryPort'),
    securityRow('socketFactoryFallback'),
  ];
  const wrongChoices = form.wrongChoices
    .filter((w) => w.security === connection.security)
    .map((w): WrongChoiceGuide => {
      const known = platform.errorPhrases.find((p) => p.phrase === w.phrase);
      return { id: w.id, choice: w.choice, phrase: w.phrase, why: w.why, meaning: known?.meaning ?? null, action: known?.action ?? null };
    });
  return {
    kind: 'guide',
    guide: {
      formName: form.name,
      consolePath: form.consolePath,
      submit: form.submit,
      rows,
      securityWhy: values.why,
      deliverySwitch: form.deliverySwitch,
      wrongChoices,
      oauth: oauth && form.oauth !== undefined ? oauthGuide(form.oauth, connection, options) : null,
      source: form.source,
    },
  };
}

function oauthProviderName(connection: FormConnection): string {
  return `for example SMTP ${connection.username}`;
}

function oauthGuide(form: NonNullable<PlatformSmtpForm['oauth']>, connection: FormConnection, options: FormOptions): OauthProviderGuide {
  const preset = options.provider?.oauth2;
  const tenant = options.oauthApp?.tenantId;
  const fill = (endpoint: string): string => endpoint.replaceAll('{tenant}', tenant ?? '<your tenant ID>');
  const fromProvider = (what: string): string => `<${what} from ${options.provider?.name ?? 'your mail provider'}>`;
  const row = (fieldLabel: string, from: OauthFormSource): FormRow => {
    switch (from) {
      case 'name':
        return { field: fieldLabel, value: `SMTP ${connection.username}`, kind: 'type', role: from };
      case 'grantType':
        return preset === undefined ? { field: fieldLabel, value: fromProvider('the grant type'), kind: 'leave-empty', role: from } : { field: fieldLabel, value: preset.grantType, kind: 'choose', role: from };
      case 'clientId': {
        const clientId = options.oauthApp?.clientId;
        return clientId === undefined
          ? { field: fieldLabel, value: '<the application (client) ID of your app registration>', kind: 'leave-empty', role: from }
          : { field: fieldLabel, value: clientId, kind: 'type', role: from };
      }
      case 'clientSecret':
        return { field: fieldLabel, value: CLIENT_SECRET_PLACEHOLDER, kind: 'secret', role: from };
      case 'authorizationEndpoint':
        return preset === undefined
          ? { field: fieldLabel, value: fromProvider('the authorization endpoint'), kind: 'leave-empty', role: from }
          : { field: fieldLabel, value: fill(preset.authorizationEndpoint), kind: 'type', role: from };
      case 'tokenEndpoint':
        return preset === undefined
          ? { field: fieldLabel, value: fromProvider('the access token endpoint'), kind: 'leave-empty', role: from }
          : { field: fieldLabel, value: fill(preset.tokenEndpoint), kind: 'type', role: from };
      case 'scope':
        return preset === undefined ? { field: fieldLabel, value: fromProvider('the scope'), kind: 'leave-empty', role: from } : { field: fieldLabel, value: preset.scope, kind: 'type', role: from };
    }
  };
  return {
    consolePath: form.consolePath,
    rows: form.fields.map((f) => row(f.label, f.from)),
    note: preset?.note ?? null,
    source: preset?.source ?? null,
  };
}

export interface SendingLimitNotice {
  /** "Microsoft 365 (Exchange Online) allows at most 10,000 recipients a day per mailbox and 30 messages a minute per mailbox." */
  readonly limits: string;
  /** The platform's risk and advice. */
  readonly text: string;
  readonly advice: string;
  /** The provider's source for the numbers, then the platform's for the warning. */
  readonly sources: readonly string[];
}

/** The platform's warning about a mailbox service's sending limits, with the provider's own numbers; null when it does not apply. */
export function sendingLimitNotice(
  platform: Pick<Platform, 'sendingLimitWarning'>,
  provider: Pick<ProviderPreset, 'id' | 'name' | 'sendingLimits'> | undefined,
): SendingLimitNotice | null {
  const warning = platform.sendingLimitWarning;
  if (warning === undefined || provider === undefined || provider.sendingLimits === undefined) return null;
  if (!warning.providers.includes(provider.id)) return null;
  const limits = provider.sendingLimits.limits.map((l) => `${formatCount(l.value)} ${l.unit}`);
  return {
    limits: `${provider.name} allows at most ${joinAnd(limits)}.`,
    text: warning.text,
    advice: warning.advice,
    sources: [provider.sendingLimits.source, warning.source],
  };
}

/** The provider preset whose endpoints name this host (`smtp.office365.com` → Microsoft 365); the recommended preset first when several share a host. */
export function providerForHost<P extends Pick<ProviderPreset, 'endpoints'>>(providers: readonly P[], host: string): P | undefined {
  const wanted = host.trim().toLowerCase().replace(/\.$/u, '');
  return providers.find((p) => p.endpoints.some((e) => e.host.toLowerCase() === wanted));
}

/** 10000 → "10,000": the digit grouping the vendors' pages use. */
export function formatCount(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/gu, ',');
}

function joinAnd(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1) ?? ''}`;
}

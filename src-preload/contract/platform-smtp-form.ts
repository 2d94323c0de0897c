/**
 * A platform's own SMTP form as the platform shows it (Zuora's External SMTP: field
 * names, the values per security mode, the console path, the switch that turns it on,
 * the error each wrong choice produces, the OAuth 2.0 provider's fields), the
 * platform's sending-limit warning and its mail-provider presets; and a provider's
 * sending limits and OAuth 2.0 endpoints. Optional keys of resources/platforms/<id>.json
 * and resources/providers/<id>.json; each fact carries its `source` and `checked` date.
 */
import { z } from 'zod';

const isoDate = z.iso.date();
/** A seed file (`seeds/...`, optionally `#section`) or a vendor page (`https://...`). */
const sourceSchema = z.string().regex(/^(seeds\/[a-z0-9-]+\.txt(#[\w-]+)?|https:\/\/\S+)$/u);
const sourced = { source: sourceSchema, checked: isoDate };

/** The fields of an SMTP form that Relayproof fills in, by role; the value is the platform's label. */
export const smtpFormFieldRoles = [
  'host',
  'port',
  'authentication',
  'username',
  'password',
  'oauthProvider',
  'startTls',
  'socketFactoryClass',
  'socketFactoryPort',
  'socketFactoryFallback',
] as const;
export const smtpFormFieldRoleSchema = z.enum(smtpFormFieldRoles);
export type SmtpFormFieldRole = z.infer<typeof smtpFormFieldRoleSchema>;

/**
 * The security-dependent fields for one security mode. A string is typed as it is
 * (`{port}` = the connection's port); null = leave the field empty (the platform's default).
 */
export const smtpFormSecurityValuesSchema = z.strictObject({
  startTls: z.string().nullable(),
  socketFactoryClass: z.string().nullable(),
  socketFactoryPort: z.string().nullable(),
  socketFactoryFallback: z.string().nullable(),
  /** Why these values, in one or two sentences. */
  why: z.string().min(1),
  ...sourced,
});
export type SmtpFormSecurityValues = z.infer<typeof smtpFormSecurityValuesSchema>;

/** A wrong choice in the form, and the platform's error phrase (one of its `errorPhrases`) it produces. */
export const smtpFormWrongChoiceSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/u),
  /** The connection's security mode the choice is wrong for. */
  security: z.enum(['starttls', 'tls']),
  /** The wrong choice, in the form's words. */
  choice: z.string().min(1),
  /** The platform's phrase, exactly as in its `errorPhrases`. */
  phrase: z.string().min(1),
  /** Why that choice produces that error. */
  why: z.string().min(1),
  ...sourced,
});
export type SmtpFormWrongChoice = z.infer<typeof smtpFormWrongChoiceSchema>;

/** What of an OAuth 2.0 provider form a field takes (the provider preset's `oauth2`, or the admin's own). */
export const oauthFormSourceSchema = z.enum(['name', 'grantType', 'clientId', 'clientSecret', 'authorizationEndpoint', 'tokenEndpoint', 'scope']);
export type OauthFormSource = z.infer<typeof oauthFormSourceSchema>;

export const platformSmtpFormSchema = z.strictObject({
  /** The form's name in the platform ("External SMTP"). */
  name: z.string().min(1),
  /** Where the form is, one step per entry. */
  consolePath: z.array(z.string().min(1)).min(1),
  /** The button that tests and saves ("Test Connection And Save"). */
  submit: z.string().min(1),
  /** The platform's label of each field. */
  fields: z.record(smtpFormFieldRoleSchema, z.string().min(1)),
  /** The Authentication field's choice per kind of sign-in. */
  authenticationValues: z.strictObject({ password: z.string().min(1), oauth2: z.string().min(1) }),
  security: z.strictObject({ starttls: smtpFormSecurityValuesSchema, tls: smtpFormSecurityValuesSchema }),
  /** After saving the form: what makes the platform send through it. */
  deliverySwitch: z.strictObject({ field: z.string().min(1), value: z.string().min(1), steps: z.array(z.string().min(1)).min(1), ...sourced }),
  wrongChoices: z.array(smtpFormWrongChoiceSchema),
  /** The OAuth 2.0 provider the form's OAuth2.0 Provider field names. */
  oauth: z
    .strictObject({
      consolePath: z.array(z.string().min(1)).min(1),
      fields: z.array(z.strictObject({ label: z.string().min(1), from: oauthFormSourceSchema })).min(1),
      ...sourced,
    })
    .optional(),
  ...sourced,
});
export type PlatformSmtpForm = z.infer<typeof platformSmtpFormSchema>;

/** The platform's warning about mailbox services' sending limits (Zuora: bulk invoice runs). */
export const platformSendingLimitWarningSchema = z.strictObject({
  /** The risk, in the admin's words, without numbers: the provider's own limit is added. */
  text: z.string().min(1),
  /** What the platform recommends instead. */
  advice: z.string().min(1),
  /** The provider presets whose limits apply (mailbox services, not sending services). */
  providers: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/u)).min(1),
  ...sourced,
});

/** A mail-provider preset the platform offers in its own SMTP settings (ClientTether: Gmail, Outlook ...). */
export const platformProviderPresetSchema = z.strictObject({
  /** As the platform names it. */
  label: z.string().min(1),
  /** The Relayproof provider preset it corresponds to; absent for Custom. */
  providerId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/u).optional(),
  /** How the platform signs in with it. */
  signIn: z.enum(['oauth-login', 'password']),
  /** What Relayproof can prove for it. */
  canTest: z.string().min(1),
  /** What only the platform's own test shows. */
  cannotTest: z.string().min(1),
  ...sourced,
});
export type PlatformProviderPreset = z.infer<typeof platformProviderPresetSchema>;

/** Keys spread into the platform schema. */
export const platformSmtpFormKeys = {
  smtpForm: platformSmtpFormSchema.optional(),
  sendingLimitWarning: platformSendingLimitWarningSchema.optional(),
  providerPresets: z.strictObject({ test: z.string().min(1), presets: z.array(platformProviderPresetSchema).min(1), ...sourced }).optional(),
};

/** One sending limit of a mail provider. */
export const providerSendingLimitSchema = z.strictObject({
  value: z.number().int().positive(),
  /** What is counted and per what: "recipients a day per mailbox". */
  unit: z.string().min(1),
});

/** The provider's OAuth 2.0 endpoints for SMTP (XOAUTH2); `{tenant}` = the admin's tenant. */
export const providerOauthSchema = z.strictObject({
  grantType: z.string().min(1),
  authorizationEndpoint: z.string().regex(/^https:\/\/\S+$/u),
  tokenEndpoint: z.string().regex(/^https:\/\/\S+$/u),
  scope: z.string().min(1),
  note: z.string().min(1).optional(),
  ...sourced,
});
export type ProviderOauth = z.infer<typeof providerOauthSchema>;

/** Keys spread into the provider preset schema. */
export const providerSendingKeys = {
  sendingLimits: z.strictObject({ limits: z.array(providerSendingLimitSchema).min(1), ...sourced }).optional(),
  oauth2: providerOauthSchema.optional(),
};

import { Button, Field, Input, Link, makeStyles, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Select, Text, tokens } from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import type { RefObject } from 'react';
import { authKindSchema, type AuthKind, type Security } from '../../../../src-preload/contract';
import { sendingLimitNotice } from '../../../../src-preload/contract/connector-form';
import type { Platform, ProviderPreset } from '../../../../src-preload/contract/providers';
import { useApiClient } from '../../api/api-context';
import { callChannel, channelKey, useChannelQuery } from '../../api/hooks';
import { SendingLimitWarning } from './platform-form-guide';
import { routeHref } from '../../app/routes';
import { ErrorBar } from '../../ui/error-bar';
import { LabelSelect } from '../../ui/label-select';
import { SharedCredentialsWarning } from './shared-credentials-warning';
import { Loading } from '../../ui/loading';
import { authKindLabels } from '../addresses/address-labels';
import { SecretInput } from '../connection-test/secret-input';
import { currentCheck, domainOf, endpointIndexOf } from './wizard-state';
import type { StepProps } from './wizard-labels';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(3, minmax(0, 1fr))',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalM,
    alignItems: 'start',
    '@media (max-width: 900px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  muted: { color: tokens.colorNeutralForeground2 },
  presetRow: { display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', columnGap: tokens.spacingHorizontalL, '@media (max-width: 900px)': { gridTemplateColumns: 'minmax(0, 1fr)' } },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

/** Credentials are never sent without TLS, so the wizard offers only the two TLS modes. */
const tlsModes = { starttls: 'STARTTLS', tls: 'Implicit TLS' } as const satisfies Partial<Record<Security, string>>;

function fieldState(message: string | undefined) {
  return message === undefined ? {} : { validationState: 'error' as const, validationMessage: message };
}

export interface ProviderStepProps extends StepProps {
  readonly secretRef: RefObject<HTMLInputElement | null>;
  readonly onSecretPresence: (present: boolean) => void;
}

/** Step 3: the mail service (autodetected, or a preset), its server, and the secret (straight to the keychain). */
export function ProviderStep({ state, dispatch, address, platform, secretRef, onSecretPresence }: ProviderStepProps) {
  const styles = useStyles();
  const { api } = useApiClient();
  const providers = useChannelQuery('providers:list', {});
  const domain = currentCheck(state)?.domainAscii ?? domainOf(state.address);
  const detect = useQuery({
    queryKey: channelKey('providers:detect', { domain }),
    queryFn: () => callChannel(api, 'providers:detect', { domain }),
    enabled: domain !== '',
    staleTime: 5 * 60_000,
  });
  const presets = providers.data ?? [];
  const preset = presets.find((p) => p.id === state.provider);
  const endpointIndex = endpointIndexOf(preset, state);
  const suggestion = detect.data?.suggestions[0];
  const suggested = suggestion === undefined ? undefined : presets.find((p) => p.id === suggestion.providerId);
  const offered: readonly AuthKind[] = preset?.authKinds ?? authKindSchema.options;
  const kindLabels = Object.fromEntries(offered.map((k) => [k, authKindLabels[k]])) as Record<AuthKind, string>;
  const stored = address?.secret.stored === true;
  const secretLabel = preset?.secretLabel ?? 'Password';

  const choose = (chosen: ProviderPreset, endpoint?: ProviderPreset['endpoints'][number]) =>
    dispatch(endpoint === undefined ? { type: 'choose-provider', preset: chosen } : { type: 'choose-provider', preset: chosen, endpoint });

  return (
    <div className={styles.root}>
      {domain === '' ? null : detect.isPending ? (
        <Loading label={`Looking at the MX and submission records of ${domain}…`} />
      ) : detect.error !== null ? (
        <ErrorBar error={detect.error.appError} title="Autodetect did not answer" extra="Choose your mail service below." />
      ) : suggestion !== undefined && suggested !== undefined ? (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>
              {suggested.custom
                ? `Your domain names its submission server: ${suggestion.endpoint.host}`
                : `Your domain's ${suggestion.reason.includes('_submission') ? 'submission record' : 'MX'} points to ${suggested.name}`}
            </MessageBarTitle>
            {suggestion.reason}
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => choose(suggested, suggestion.endpoint)}>Use {suggested.custom ? suggestion.endpoint.host : suggested.name}</Button>
          </MessageBarActions>
        </MessageBar>
      ) : (
        <Text className={styles.muted}>
          {/* Each problem is a sentence of its own and already says what to choose. */}
          Nothing in the DNS of {domain} points to a known mail service. {detect.data.problems.length === 0 ? 'Choose yours below.' : detect.data.problems.join(' ')}
        </Text>
      )}

      {providers.error === null ? null : <ErrorBar error={providers.error.appError} title="The mail services could not be loaded" />}
      <div className={styles.presetRow}>
        <Field label="Mail service" required hint={preset?.summary ?? 'Fills in the server, port, security and username for you.'} {...fieldState(state.errors.provider)}>
          <Select
            value={state.provider ?? ''}
            onChange={(_e, d) => {
              const chosen = presets.find((p) => p.id === d.value);
              if (chosen !== undefined) choose(chosen);
            }}
          >
            {state.provider === null ? <option value="">Choose your mail service…</option> : null}
            {presets.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </Select>
        </Field>
        {preset !== undefined && preset.endpoints.length > 1 ? (
          <Field label={preset.endpoints.some((e) => e.region !== undefined) ? 'Region' : 'Endpoint'} hint="Fills in the server, port and security.">
            <Select
              value={endpointIndex < 0 ? '' : String(endpointIndex)}
              onChange={(_e, d) => {
                const endpoint = preset.endpoints[Number(d.value)];
                if (endpoint !== undefined) dispatch({ type: 'choose-endpoint', endpoint });
              }}
            >
              {endpointIndex < 0 ? <option value="">Your own values below</option> : null}
              {preset.endpoints.map((e, i) => (
                <option key={`${e.host}:${e.port}`} value={String(i)}>
                  {e.label}
                  {e.recommended ? ' (recommended)' : ''}
                </option>
              ))}
            </Select>
          </Field>
        ) : null}
      </div>

      {preset?.warnings.map((warning) => (
        <MessageBar key={warning} intent="warning" layout="multiline">
          <MessageBarBody>{warning}</MessageBarBody>
        </MessageBar>
      ))}
      {/* Before the credentials: a mailbox service's limits can break the platform's bulk runs (Zuora's invoices). */}
      {platform === undefined ? null : <SendingLimitNoticeBar platform={platform} preset={preset} />}
      {preset === undefined || preset.notes.length === 0 ? null : (
        <ul className={styles.list} aria-label={`About ${preset.name}`}>
          {preset.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      <div className={styles.grid}>
        <Field label="SMTP server" required hint="For example smtp.office365.com." {...fieldState(state.errors.host)}>
          <Input value={state.host} onChange={(_e, d) => dispatch({ type: 'set-text', field: 'host', value: d.value })} autoComplete="off" spellCheck={false} className={styles.mono} />
        </Field>
        <Field label="Port" required hint="587 with STARTTLS, 465 with implicit TLS." {...fieldState(state.errors.port)}>
          <Input value={state.port} onChange={(_e, d) => dispatch({ type: 'set-text', field: 'port', value: d.value })} inputMode="numeric" autoComplete="off" />
        </Field>
        <Field label="Security" required {...fieldState(state.errors.security)}>
          <LabelSelect<keyof typeof tlsModes>
            value={state.security === 'tls' ? 'tls' : 'starttls'}
            labels={tlsModes}
            onChange={(security) => dispatch({ type: 'set-security', security })}
          />
        </Field>
        <Field
          label="Username"
          required
          hint={preset?.username.hint ?? 'Often the full address.'}
          {...fieldState(state.errors.username)}
        >
          <Input
            value={state.username}
            onChange={(_e, d) => dispatch({ type: 'set-text', field: 'username', value: d.value })}
            autoComplete="off"
            spellCheck={false}
            readOnly={preset?.username.fixed !== undefined}
          />
        </Field>
        <SharedCredentialsWarning platform={platform} host={state.host} username={state.username} addressId={state.addressId} fixedUsername={preset?.username.fixed !== undefined} />
        <Field label="Sign-in method" required {...fieldState(state.errors.authKind)}>
          <LabelSelect<AuthKind>
            value={state.authKind !== null && offered.includes(state.authKind) ? state.authKind : (offered[0] ?? 'password')}
            labels={kindLabels}
            onChange={(authKind) => dispatch({ type: 'set-auth-kind', authKind })}
          />
        </Field>
        <Field
          label={secretLabel}
          required={!stored}
          hint={
            stored
              ? `Stored in the OS keychain. Type a new one only to replace it.`
              : `${preset?.secretHelp ?? ''} Saved straight to the OS keychain when you press Next; never shown again.`.trim()
          }
          {...fieldState(state.errors.secret)}
        >
          {(control) => <SecretInput {...control} inputRef={secretRef} disabled={false} onPresence={onSecretPresence} />}
        </Field>
      </div>
      {/* Reading material after the fields, so Tab goes from the mail service to the server fields. */}
      {preset === undefined || preset.docs.length === 0 ? null : (
        <div>
          <Text weight="semibold" id="provider-docs-title">
            {preset.name} documentation
          </Text>
          <ul className={styles.list} aria-labelledby="provider-docs-title">
            {preset.docs.map((doc) => (
              <li key={doc.url}>
                <Link href={doc.url} target="_blank" rel="noreferrer">
                  {doc.title}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      )}
      {preset?.guide === 'm365' ? (
        <Text>
          Microsoft 365 turns SMTP AUTH off by default.{' '}
          <Link href={routeHref('m365', state.addressId !== null ? { address: state.addressId } : { upn: state.username.trim() === '' ? state.address.trim() : state.username.trim() })}>Open the Microsoft 365 SMTP AUTH guide</Link> for
          what must be true for this mailbox and the PowerShell that fixes it.
        </Text>
      ) : null}

      <MessageBar intent="info" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>Use unique credentials per address</MessageBarTitle>
          A separate mailbox password, app password or API key for each connected address (or brand) lets you rotate one, or shut out a leaked one, without touching the others.
        </MessageBarBody>
      </MessageBar>
    </div>
  );
}

function SendingLimitNoticeBar({ platform, preset }: { readonly platform: Platform; readonly preset: ProviderPreset | undefined }) {
  const notice = sendingLimitNotice(platform, preset);
  return notice === null ? null : <SendingLimitWarning notice={notice} />;
}

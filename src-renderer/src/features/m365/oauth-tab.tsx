import { Button, Field, Input, makeStyles, MessageBar, MessageBarBody, Radio, RadioGroup, Text, tokens } from '@fluentui/react-components';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { AddressView, AppError, ChannelInput, ChannelName, ChannelOutput } from '../../../../src-preload/contract';
import { appIdSchema, tenantSchema, type TokenOutcome } from '../../../../src-preload/contract/m365-schemas';
import type { ConnectionReport } from '../../../../src-preload/contract/smtp-schemas';
import { useApiClient } from '../../api/api-context';
import { toChannelError } from '../../api/channel-error';
import { callChannel, channelKey, useChannelQuery } from '../../api/hooks';
import { useOperationRun } from '../../api/use-operation-run';
import { CopyButton } from '../../ui/copy-button';
import { ErrorBar } from '../../ui/error-bar';
import { LiveStatus } from '../../ui/live-status';
import { SecretInput } from '../connection-test/secret-input';
import { CertificateCredential } from './certificate-credential';
import { deviceCodeReducer, idleDeviceCode, isDeviceCodeEvent } from './device-code-run';
import { LiveTest } from './live-test';
import { ScriptGenerator } from './script-generator';
import { TokenOutcomeView } from './token-outcome';

const useStyles = makeStyles({
  tab: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  section: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalL,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
  },
  heading: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  grid: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(15rem, 1fr))', gap: tokens.spacingHorizontalL, alignItems: 'start' },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  steps: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  code: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  userCode: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase600, fontWeight: tokens.fontWeightSemibold, letterSpacing: '0.1em' },
});

const DEVICE_CODE_CHANNELS = ['m365:acquire-delegated-token'] as const;

type Errors = { tenant?: string; clientId?: string; secret?: string };

function problemOf(schema: typeof tenantSchema | typeof appIdSchema, value: string): string | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

/**
 * One call that may carry a secret, outside react-query (its cache would keep the
 * call's variables, and those carry the secret): pending, last value, last error.
 */
function useSecretCall<C extends ChannelName>(channel: C) {
  const { api } = useApiClient();
  const [state, setState] = useState<{ pending: boolean; value: ChannelOutput<C> | null; error: AppError | null }>({ pending: false, value: null, error: null });
  const call = (input: ChannelInput<C>, onDone?: (value: ChannelOutput<C>) => void) => {
    setState((s) => ({ ...s, pending: true, error: null }));
    callChannel(api, channel, input).then(
      (value) => {
        setState({ pending: false, value, error: null });
        onDone?.(value);
      },
      (error: unknown) => setState({ pending: false, value: null, error: toChannelError(error).appError }),
    );
  };
  return { ...state, call };
}

export interface OAuthTabProps {
  /** The saved address the client secret and the token belong to; null = none chosen yet. */
  readonly address: AddressView | null;
  /** The mailbox (UPN), for the setup script. */
  readonly upn: string;
  readonly onReport: (report: ConnectionReport) => void;
}

/**
 * OAuth 2.0 for SMTP AUTH: the guided app-only setup (app registration, SMTP.SendAsApp
 * with admin consent, service principal, mailbox permission), a token from the client
 * secret saved in the keychain, its explained claims, an XOAUTH2 test with the token
 * main holds, and the delegated device-code sign-in.
 */
export function OAuthTab({ address, upn, onReport }: OAuthTabProps) {
  if (address === null) {
    return (
      <MessageBar intent="info">
        <MessageBarBody>
          Choose a saved address above. Its client secret is saved in the OS keychain under that address, and the token is held in memory for it.
        </MessageBarBody>
      </MessageBar>
    );
  }
  // Keyed: another address starts with its own fields (and its own saved registration).
  return <OAuthForAddress key={address.id} address={address} upn={upn} onReport={onReport} />;
}

function OAuthForAddress({ address, upn, onReport }: OAuthTabProps & { readonly address: AddressView }) {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const [tenant, setTenant] = useState('');
  const [clientId, setClientId] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [saved, setSaved] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<TokenOutcome | null>(null);
  const secretRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const saveSecret = useSecretCall('m365:set-client-secret');
  const acquire = useSecretCall('m365:acquire-app-token');
  const saveCertificate = useSecretCall('m365:set-client-certificate');
  const [credentialKind, setCredentialKind] = useState<'secret' | 'certificate'>('secret');
  const [usedCredential, setUsedCredential] = useState<string | null>(null);
  const stateInput = { addressId: address.id };
  const oauthState = useChannelQuery('m365:get-oauth-state', stateInput);
  const deviceCode = useOperationRun({ channels: DEVICE_CODE_CHANNELS, idPrefix: 'devcode', isEvent: isDeviceCodeEvent, reducer: deviceCodeReducer, initial: idleDeviceCode });
  const refreshState = () => queryClient.invalidateQueries({ queryKey: channelKey('m365:get-oauth-state', { addressId: address.id }) });
  const dcPhase = deviceCode.state.phase;
  // The tenant and client id saved with this address's last app-only token fill the fields once, unless the admin typed already.
  const registration = oauthState.data?.registration ?? null;
  const prefilled = useRef(false);
  useEffect(() => {
    if (registration === null || prefilled.current) return;
    prefilled.current = true;
    setTenant((typed) => (typed === '' ? registration.tenantId : typed));
    setClientId((typed) => (typed === '' ? registration.clientId : typed));
  }, [registration]);
  // A delegated token is held once the sign-in finished: the XOAUTH2 test may use it.
  useEffect(() => {
    if (dcPhase === 'done') void queryClient.invalidateQueries({ queryKey: channelKey('m365:get-oauth-state', { addressId: address.id }) });
  }, [dcPhase, queryClient, address.id]);

  /** Validates tenant and client id on the fields; focuses the first refused one. */
  const checked = (needSecret: boolean): { tenantId: string; clientId: string; secret: string } | null => {
    const t = tenant.trim();
    const c = clientId.trim();
    const secret = secretRef.current?.value ?? '';
    const next: Errors = {};
    const tenantProblem = t === '' ? 'Type the Directory (tenant) ID from the app registration’s Overview page.' : problemOf(tenantSchema, t);
    if (tenantProblem !== undefined) next.tenant = tenantProblem;
    const clientProblem = c === '' ? 'Type the Application (client) ID from the app registration’s Overview page.' : problemOf(appIdSchema, c);
    if (clientProblem !== undefined) next.clientId = clientProblem;
    if (needSecret && secret === '') next.secret = 'Paste the client secret’s Value (shown once under Certificates & secrets).';
    setErrors(next);
    if (Object.keys(next).length > 0) {
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return null;
    }
    return { tenantId: t, clientId: c, secret };
  };

  const clearSecret = () => {
    if (secretRef.current !== null) secretRef.current.value = '';
  };

  const save = () => {
    const secret = secretRef.current?.value ?? '';
    if (secret === '') {
      setErrors({ secret: 'Paste the client secret’s Value first.' });
      return;
    }
    setErrors({});
    clearSecret();
    setSaved(null);
    saveSecret.call({ addressId: address.id, secret }, () => {
      setSaved(`Client secret saved in the OS keychain for ${address.address}.`);
      void refreshState();
    });
  };

  const getToken = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = checked(credentialKind === 'secret' && oauthState.data?.clientSecretStored !== true);
    if (values === null) return;
    clearSecret();
    setOutcome(null);
    acquire.call(
      { addressId: address.id, tenantId: values.tenantId, clientId: values.clientId, ...(values.secret === '' ? {} : { clientSecret: values.secret }) },
      (value) => {
        setOutcome(value);
        setUsedCredential({ 'client-secret': 'the client secret typed above', 'saved-client-secret': 'the saved client secret', certificate: 'the saved certificate' }[value.credential]);
        void refreshState();
      },
    );
  };

  const startDeviceCode = () => {
    const t = tenant.trim() === '' ? 'organizations' : tenant.trim();
    const c = clientId.trim();
    const clientProblem = c === '' ? 'Type the Application (client) ID of an app that allows public client flows.' : problemOf(appIdSchema, c);
    const tenantProblem = t === 'organizations' ? undefined : problemOf(tenantSchema, t);
    setErrors({ ...(clientProblem === undefined ? {} : { clientId: clientProblem }), ...(tenantProblem === undefined ? {} : { tenant: tenantProblem }) });
    if (clientProblem !== undefined || tenantProblem !== undefined) return;
    deviceCode.start('m365:acquire-delegated-token', (operationId) => ({
      started: { type: 'start', operationId },
      input: { operationId, addressId: address.id, tenantId: t, clientId: c },
    }));
  };

  const held = oauthState.data?.token ?? null;
  const dc = deviceCode.state;
  const field = (name: keyof Errors, hint: string) => (errors[name] === undefined ? { hint } : { validationState: 'error' as const, validationMessage: errors[name] });

  return (
    <div className={styles.tab}>
      <section className={styles.section} aria-labelledby="m365-oauth-setup-heading">
        <h2 id="m365-oauth-setup-heading" className={styles.heading}>
          Set up app-only access (what connectors use)
        </h2>
        <Text>OAuth 2.0 replaces the password once Basic authentication is retired. Do these once per app, in this order:</Text>
        <ol className={styles.steps}>
          <li>
            In the Microsoft Entra admin center, <strong>App registrations › New registration</strong>: single tenant, no redirect URI. From its Overview page copy the
            Application (client) ID and the Directory (tenant) ID into the fields below.
          </li>
          <li>
            <strong>API permissions › Add a permission › APIs my organization uses › Office 365 Exchange Online › Application permissions</strong>: tick{' '}
            <code className={styles.code}>SMTP.SendAsApp</code>, then <strong>Grant admin consent</strong>. Without consent the token has no SMTP.SendAsApp role.
          </li>
          <li>
            <strong>Certificates &amp; secrets › New client secret</strong>: copy its <em>Value</em> (not the Secret ID) into the client secret field and save it.
          </li>
          <li>
            In Exchange Online PowerShell, register the app’s service principal: <code className={styles.code}>New-ServicePrincipal -AppId &lt;client id&gt; -ObjectId &lt;enterprise app object id&gt;</code>.
            The object ID is the one under <strong>Enterprise applications</strong>, not the app registration’s.
          </li>
          <li>
            Give it the mailbox: <code className={styles.code}>Add-MailboxPermission -Identity {upn === '' ? '<mailbox>' : upn} -User &lt;service principal id&gt; -AccessRights FullAccess</code>.
            The generator below writes steps 4 and 5 as one checked script.
          </li>
        </ol>
        <ScriptGenerator upn={upn} from="" initialScript="oauth-setup" appId={clientId.trim()} headingLevel={3} />
      </section>

      <section className={styles.section} aria-labelledby="m365-oauth-token-heading">
        <h2 id="m365-oauth-token-heading" className={styles.heading}>
          App-only token for {address.address}
        </h2>
        <form ref={formRef} onSubmit={getToken} noValidate aria-label="App-only token" className={styles.tab}>
          <Field label="Credential" hint="A certificate is what Microsoft recommends for apps; a client secret is quicker to set up.">
            <RadioGroup layout="horizontal" value={credentialKind} onChange={(_e, d) => setCredentialKind(d.value === 'certificate' ? 'certificate' : 'secret')}>
              <Radio value="secret" label="Secret" />
              <Radio value="certificate" label="Certificate" />
            </RadioGroup>
          </Field>
          <div className={styles.grid}>
            <Field label="Directory (tenant) ID" required {...field('tenant', 'A GUID, or the tenant’s domain such as contoso.onmicrosoft.com.')}>
              <Input className={styles.mono} value={tenant} onChange={(_e, d) => setTenant(d.value)} autoComplete="off" spellCheck={false} />
            </Field>
            <Field label="Application (client) ID" required {...field('clientId', 'App registrations › your app › Overview.')}>
              <Input className={styles.mono} value={clientId} onChange={(_e, d) => setClientId(d.value)} autoComplete="off" spellCheck={false} />
            </Field>
            {credentialKind === 'secret' ? (
            <Field
              label="Client secret"
              {...field(
                'secret',
                oauthState.data?.clientSecretStored === true
                  ? 'A client secret is saved in the keychain for this address. Type another only to replace it or to try it once.'
                  : 'Its Value, shown once under Certificates & secrets. Saved only in the OS keychain; cleared from this page once sent.',
              )}
            >
              {(control) => <SecretInput {...control} inputRef={secretRef} disabled={false} onPresence={() => setErrors(({ secret: _s, ...rest }) => rest)} />}
            </Field>
            ) : null}
          </div>
          {credentialKind === 'certificate' ? (
            <CertificateCredential
              addressId={address.id}
              saved={oauthState.data?.certificate ?? null}
              pending={saveCertificate.pending}
              onSave={(input) => {
                setSaved(null);
                saveCertificate.call(input, (value) => {
                  setSaved(`Certificate ${value.thumbprint} saved for ${address.address}: its private key is in the OS keychain.`);
                  void refreshState();
                });
              }}
            />
          ) : null}
          <div className={styles.actions}>
            {credentialKind === 'secret' ? (
              <Button onClick={save} disabled={saveSecret.pending}>
                Save client secret
              </Button>
            ) : null}
            <Button type="submit" appearance="primary" disabled={acquire.pending}>
              {acquire.pending ? 'Getting a token…' : 'Get a token'}
            </Button>
          </div>
        </form>
        <LiveStatus message={saved} />
        {saveSecret.error === null ? null : <ErrorBar error={saveSecret.error} title="The client secret was not saved" />}
        {saveCertificate.error === null ? null : <ErrorBar error={saveCertificate.error} title="The certificate was not saved" />}
        {acquire.error === null ? null : <ErrorBar error={acquire.error} title="No token was requested" />}
        <div role="status" aria-live="polite">
          {outcome === null ? null : <TokenOutcomeView outcome={outcome} heading="Token claims" />}
          {outcome === null || usedCredential === null ? null : <Text>Requested with {usedCredential}.</Text>}
        </div>
      </section>

      <section className={styles.section} aria-labelledby="m365-oauth-test-heading">
        <h2 id="m365-oauth-test-heading" className={styles.heading}>
          Test SMTP with OAuth (XOAUTH2)
        </h2>
        <Text>
          {held === null
            ? 'Get a token first: the test signs in with the token Relayproof holds for this address.'
            : `A ${held.flow === 'device-code' ? 'delegated' : 'app-only'} token is held for this address until ${held.expiresAt}.`}
        </Text>
        <LiveTest address={address} mode="oauth" label="Test SMTP with OAuth" onReport={onReport} disabled={held === null} />
      </section>

      <section className={styles.section} aria-labelledby="m365-oauth-device-heading">
        <h2 id="m365-oauth-device-heading" className={styles.heading}>
          Delegated sign-in (device code)
        </h2>
        <Text>
          For an admin testing interactively: an app that allows public client flows, with the delegated permission SMTP.Send. Uses the tenant and client ID above (an empty
          tenant means any work account).
        </Text>
        <div className={styles.actions}>
          <Button onClick={startDeviceCode} disabled={dc.phase === 'waiting'}>
            Sign in with a device code
          </Button>
          {dc.phase === 'waiting' ? (
            <Button onClick={deviceCode.cancel} disabled={dc.cancelling}>
              Cancel sign-in
            </Button>
          ) : null}
        </div>
        <div role="status" aria-live="polite">
          {dc.phase === 'waiting' ? (
            dc.prompt === null ? (
              <Text>Asking Microsoft Entra for a code…</Text>
            ) : (
              <MessageBar intent="info" layout="multiline" data-testid="m365-device-code">
                <MessageBarBody>
                  On any device, open <span className={styles.code}>{dc.prompt.verificationUri}</span> and enter the code{' '}
                  <span className={styles.userCode} data-testid="m365-device-user-code">{dc.prompt.userCode}</span> before {dc.prompt.expiresAt}. Relayproof waits for the sign-in.{' '}
                  <CopyButton text={dc.prompt.userCode} what="the code" label="Copy code" />
                </MessageBarBody>
              </MessageBar>
            )
          ) : null}
          {dc.phase === 'done' ? <TokenOutcomeView outcome={dc.outcome} heading="Delegated token claims" /> : null}
        </div>
        {dc.phase === 'failed' ? <ErrorBar error={dc.error} title="The device-code sign-in did not finish" /> : null}
      </section>
    </div>
  );
}

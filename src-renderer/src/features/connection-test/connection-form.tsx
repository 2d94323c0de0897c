import { Button, Checkbox, Field, Input, makeStyles, Text, tokens } from '@fluentui/react-components';
import type { FormEvent, Ref } from 'react';
import type { AddressView, AuthKind, Security } from '../../../../src-preload/contract';
import { assertNever } from '../../app/assert-never';
import { LabelSelect } from '../../ui/label-select';
import { authKindLabels, defaultPorts } from '../addresses/address-labels';
import { defaultProbePorts } from './probe-ports';
import { SecretInput } from './secret-input';
import { credentialsApply, effectiveFrom, type ConnectionDraft, type ConnectionErrors, type ConnectionField } from './connection-draft';
import { fieldMessageProps } from '../../ui/field-hint';

const securityOptions = {
  starttls: 'STARTTLS',
  tls: 'Implicit TLS',
  none: 'None (diagnosis only, no sign-in)',
} as const satisfies Record<Security, string>;

const useStyles = makeStyles({
  form: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalL,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(3, minmax(0, 1fr))',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalM,
    alignItems: 'start',
    '@media (max-width: 900px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  stored: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, margin: 0, padding: 0, border: 'none', minWidth: 0 },
  legend: {
    padding: `0 0 ${tokens.spacingVerticalXXS}`,
    fontSize: tokens.fontSizeBase300,
    lineHeight: tokens.lineHeightBase300,
    color: tokens.colorNeutralForeground1,
  },
  storedHint: { color: tokens.colorNeutralForeground2, paddingLeft: tokens.spacingHorizontalXXL, marginTop: `calc(-1 * ${tokens.spacingVerticalXS})` },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  spacer: { flexGrow: 1 },
});

export interface ConnectionFormProps {
  readonly draft: ConnectionDraft;
  readonly errors: ConnectionErrors;
  readonly onChange: (draft: ConnectionDraft) => void;
  /** The saved address whose keychain secret may be used, when it has one. */
  readonly storedFor: AddressView | null;
  readonly useStored: boolean;
  readonly onUseStoredChange: (use: boolean) => void;
  /** The password field is uncontrolled: its value never enters React state. */
  readonly secretRef: Ref<HTMLInputElement>;
  readonly onSecretPresence: (present: boolean) => void;
  readonly running: boolean;
  readonly cancelling: boolean;
  readonly probing: boolean;
  readonly onRun: () => void;
  readonly onCancel: () => void;
  readonly onProbe: () => void;
  /** The EHLO name used when the field is empty (from Settings, or derived). */
  readonly ehloFallback: string;
  readonly formRef: Ref<HTMLFormElement>;
}

export function ConnectionForm(props: ConnectionFormProps) {
  const { draft, errors, onChange, storedFor, useStored, running, cancelling, probing, formRef } = props;
  const styles = useStyles();
  const set = <K extends keyof ConnectionDraft>(key: K, value: ConnectionDraft[K]) => onChange({ ...draft, [key]: value });
  // The hint goes through here so a message that repeats it is shown alone.
  const fieldProps = (name: ConnectionField, hint?: string) => fieldMessageProps(errors[name], hint);
  const setSecurity = (security: Security) => {
    onChange({
      ...draft,
      security,
      // Follow the usual port for the chosen security unless the admin typed their own.
      port: draft.port === String(defaultPorts[draft.security]) ? String(defaultPorts[security]) : draft.port,
    });
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!running) props.onRun();
  };
  const signIn = credentialsApply(draft);
  const fromFallback = effectiveFrom({ ...draft, from: '' });
  const secretField = (label: string) => (
    <Field
      label={label}
      required={signIn}
      {...fieldProps('secret', signIn ? 'Used for this test only and cleared once it is sent; never saved.' : 'Not used without TLS.')}
    >
      {(control) => <SecretInput {...control} inputRef={props.secretRef} disabled={!signIn} onPresence={props.onSecretPresence} />}
    </Field>
  );

  return (
    <form ref={formRef} className={styles.form} onSubmit={submit} noValidate aria-label="Connection test settings">
      <div className={styles.grid}>
        <Field label="SMTP server" required {...fieldProps('host', 'For example smtp.office365.com.')}>
          <Input value={draft.host} onChange={(_e, d) => set('host', d.value)} autoComplete="off" spellCheck={false} className={styles.mono} />
        </Field>
        <Field label="Port" required {...fieldProps('port', '587 with STARTTLS, 465 with implicit TLS.')}>
          <Input value={draft.port} onChange={(_e, d) => set('port', d.value)} inputMode="numeric" autoComplete="off" />
        </Field>
        <Field
          label="Security"
          required
          {...(draft.security === 'none' ? { hint: 'Diagnosis only: credentials are never sent without TLS.' } : {})}
          {...fieldProps('security')}
        >
          <LabelSelect value={draft.security} labels={securityOptions} onChange={setSecurity} />
        </Field>

        <Field label="Username" required={signIn} {...fieldProps('username', signIn ? 'Often the full email address.' : 'Not used without TLS.')}>
          <Input value={draft.username} onChange={(_e, d) => set('username', d.value)} autoComplete="off" spellCheck={false} disabled={!signIn} />
        </Field>
        <Field label="Authentication" {...fieldProps('authKind')}>
          <LabelSelect value={draft.authKind} labels={authKindLabels} onChange={(value) => set('authKind', value)} disabled={!signIn} />
        </Field>
        {storedFor !== null ? (
          // Which secret to use is one question with its own caption, lined up with the fields beside it.
          // It stays in place without TLS (only disabled), so a typed secret survives a switch to "None" and back.
          <fieldset className={styles.stored}>
            <legend className={styles.legend}>{secretLabel(draft.authKind)}</legend>
            <Checkbox checked={useStored} disabled={!signIn} onChange={(_e, d) => props.onUseStoredChange(d.checked === true)} label={`Use the secret stored for ${storedFor.address}`} />
            {useStored ? (
              <Text size={200} className={styles.storedHint}>
                Relayproof takes it from the OS keychain for this test; it never comes to this window.
              </Text>
            ) : (
              secretField(`${secretLabel(draft.authKind)} for this test only`)
            )}
          </fieldset>
        ) : (
          secretField(secretLabel(draft.authKind))
        )}

        <Field label="From" {...fieldProps('from', fromFallback === undefined ? 'The address to send as; empty skips the send-as check.' : `Empty: ${fromFallback}.`)}>
          <Input value={draft.from} onChange={(_e, d) => set('from', d.value)} inputMode="email" autoComplete="off" spellCheck={false} />
        </Field>
        <Field label="Recipient (optional)" {...fieldProps('to', 'RCPT TO for the send-as check and the test message; empty: the From address.')}>
          <Input value={draft.to} onChange={(_e, d) => set('to', d.value)} inputMode="email" autoComplete="off" spellCheck={false} />
        </Field>
        <Field label="EHLO name (optional)" {...fieldProps('ehloName', `Empty: ${props.ehloFallback}.`)}>
          <Input value={draft.ehloName} onChange={(_e, d) => set('ehloName', d.value)} autoComplete="off" spellCheck={false} className={styles.mono} />
        </Field>
        <Field label="Ports to probe (optional)" {...fieldProps('probePorts', `For Probe ports. Empty: ${defaultProbePorts.join(', ')} and the port above.`)}>
          <Input value={draft.probePorts} onChange={(_e, d) => set('probePorts', d.value)} inputMode="numeric" autoComplete="off" spellCheck={false} className={styles.mono} />
        </Field>
      </div>
      <Checkbox
        checked={draft.send}
        onChange={(_e, d) => set('send', d.checked === true)}
        label="Send a test message (a real message with a unique token in its subject, to the recipient)"
      />
      <div className={styles.actions}>
        <Button type="submit" appearance="primary" disabledFocusable={running}>
          {running ? 'Testing…' : draft.send ? 'Test and send' : 'Run test'}
        </Button>
        {running ? (
          <Button type="button" onClick={props.onCancel} disabledFocusable={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </Button>
        ) : null}
        <span className={styles.spacer} />
        <Button type="button" onClick={props.onProbe} disabledFocusable={probing} data-surface-target="probe">
          {probing ? 'Probing ports…' : 'Probe ports'}
        </Button>
      </div>
    </form>
  );
}

function secretLabel(kind: AuthKind): string {
  switch (kind) {
    case 'password':
      return 'Password';
    case 'app-password':
      return 'App password';
    case 'api-key':
      return 'API key';
    case 'oauth2':
      return 'OAuth 2.0 access token';
    default:
      return assertNever(kind);
  }
}

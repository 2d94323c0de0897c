import {
  Button,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogTitle,
  DialogTrigger,
  Field,
  Input,
  makeStyles,
  Text,
  tokens,
} from '@fluentui/react-components';
import { KeptDialog } from '../../ui/kept-dialog';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { AddressView, AuthKind, Environment, Security } from '../../../../src-preload/contract';
import { platformConnection, platformEnvironments } from '../../../../src-preload/contract/platform-ses';
import { useChannelQuery } from '../../api/hooks';
import type { ChannelError } from '../../api/channel-error';
import { assertNever } from '../../app/assert-never';
import { ErrorBar } from '../../ui/error-bar';
import { LabelSelect } from '../../ui/label-select';
import { authKindLabels, defaultPorts, environmentLabels, securityLabels } from './address-labels';
import { usePlatformNaming } from '../../api/use-platforms';
import { draftOf, editTakesSecret, emptyDraft, fieldsOf, issuesOf, patchOf, summaryOf, type AddressDraft, type DraftField, type FieldErrors } from './address-draft';
import { OneTimeSecret } from './one-time-secret';
import { useCreateAddress, useUpdateAddress } from './use-address-mutations';
import { fieldMessageProps } from '../../ui/field-hint';

const useStyles = makeStyles({
  surface: { maxWidth: '44rem', width: 'calc(100vw - 2rem)' },
  form: { display: 'contents' },
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  grid: {
    display: 'grid',
    alignItems: 'start',
    gridTemplateColumns: 'repeat(2, minmax(0, 1fr))',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalM,
  },
  wide: { gridColumn: '1 / -1' },
});

export type AddressFormMode = { readonly kind: 'create' } | { readonly kind: 'edit'; readonly address: AddressView };

export interface AddressFormDialogProps {
  readonly open: boolean;
  readonly mode: AddressFormMode;
  readonly onClose: () => void;
  /** Called with a sentence for the status line after a successful save. */
  readonly onSaved: (message: string) => void;
}

/** Opened and closed through `open` (see KeptDialog for why it stays mounted). */
export function AddressFormDialog({ open, mode, onClose, onSaved }: AddressFormDialogProps) {
  const styles = useStyles();
  return (
    <KeptDialog open={open} onClose={onClose} className={styles.surface}>
      <AddressForm mode={mode} onSaved={onSaved} />
    </KeptDialog>
  );
}

function AddressForm({ mode, onSaved }: Pick<AddressFormDialogProps, 'mode' | 'onSaved'>) {
  const styles = useStyles();
  const [draft, setDraft] = useState<AddressDraft>(mode.kind === 'edit' ? draftOf(mode.address) : emptyDraft);
  const platforms = usePlatformNaming();
  const platform = draft.platform === '' ? platforms.defaultId : draft.platform;
  // The environments this platform offers, by its own names (Zuora's API Sandbox and others).
  const platformList = useChannelQuery('platforms:list', {});
  // A platform that connects an identity (Zuora's advanced SMTP) has no SMTP credentials to add here: the wizard connects it.
  const smtpPlatformLabels = Object.fromEntries(
    Object.entries(platforms.labels).filter(([id]) => {
      const data = platformList.data?.find((p) => p.id === id);
      return data === undefined || platformConnection(data) === 'smtp-credentials' || id === platform;
    }),
  );
  const platformData = platformList.data?.find((p) => p.id === platform);
  const environmentChoices: Partial<Record<Environment, string>> =
    platformData === undefined ? environmentLabels : Object.fromEntries(platformEnvironments(platformData).map((e) => [e.id, e.label]));
  // The secret lives here only until submit; it is cleared the moment it is sent.
  const [secret, setSecret] = useState('');
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const [secretWasCleared, setSecretWasCleared] = useState(false);
  const create = useCreateAddress();
  const update = useUpdateAddress();
  const mutation = mode.kind === 'create' ? create : update;
  const takesSecret = mode.kind === 'create' || editTakesSecret(mode.address, draft);
  const serverError: ChannelError | null = mutation.error;
  const serverIssues = serverError === null ? null : issuesOf(serverError.appError);
  const fieldErrors: FieldErrors = serverIssues === null ? localErrors : { ...localErrors, ...serverIssues.byField };
  const formRef = useRef<HTMLFormElement>(null);
  // Two Enter presses in one frame both see isPending === false; this does not.
  const sending = useRef(false);

  // Put focus on the first field main rejected, so the keyboard user lands on it.
  useEffect(() => {
    if (serverError === null && Object.keys(localErrors).length === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [serverError, localErrors]);

  const set = <K extends keyof AddressDraft>(key: K, value: AddressDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
  };

  const setSecurity = (security: Security) => {
    setDraft((d) => ({
      ...d,
      security,
      // Follow the usual port for the chosen security unless the admin typed their own.
      port: d.port === String(defaultPorts[d.security]) ? String(defaultPorts[security]) : d.port,
    }));
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (sending.current || mutation.isPending) return;
    const parsed = fieldsOf({ ...draft, platform });
    if (!parsed.ok) {
      setLocalErrors(parsed.errors);
      return;
    }
    setLocalErrors({});
    // A secret typed while the server was changed, then the change undone, is dropped: that would be a rotation.
    const typed = secret === '' || !takesSecret ? undefined : new OneTimeSecret(secret);
    setSecret('');
    setSecretWasCleared(typed !== undefined);
    sending.current = true;
    const settled = () => {
      sending.current = false;
    };
    if (mode.kind === 'create') {
      create.mutate(
        { fields: parsed.fields, secret: typed },
        {
          onSettled: settled,
          onSuccess: (created) => {
            onSaved(
              typed === undefined
                ? `Added ${created.address}. No secret is stored yet: edit the address to add one.`
                : `Added ${created.address} and stored its secret in the OS keychain.`,
            );
          },
        },
      );
    } else {
      const patch = patchOf(mode.address, parsed.fields);
      update.mutate(
        { id: mode.address.id, patch, secret: typed },
        {
          onSettled: settled,
          onSuccess: (result) => {
            const what = [result.addressChanged ? 'saved your changes' : null, result.secretChanged ? 'replaced the secret in the OS keychain' : null]
              .filter((s) => s !== null)
              .join(' and ');
            onSaved(what === '' ? `Nothing changed for ${mode.address.address}.` : `Relayproof ${what} for ${parsed.fields.address}.`);
          },
        },
      );
    }
  };

  // The hint goes through here so a message that repeats it is shown alone.
  const fieldProps = (name: DraftField, hint?: string) => fieldMessageProps(fieldErrors[name], hint);

  const title = mode.kind === 'create' ? 'Add an address manually' : `Edit ${mode.address.address}`;
  const secretHint =
    mode.kind === 'create'
      ? 'Stored only in the OS keychain, never in Relayproof\u2019s files. You can also add it later.'
      : mode.address.secret.stored === true
        ? 'The new server or account removes the stored secret (it belonged to the old one): enter the secret for the new one here, or later with Edit.'
        : 'Leave empty to keep the address without a secret.';

  return (
    <form ref={formRef} onSubmit={submit} noValidate className={styles.form}>
      <DialogBody>
        <DialogTitle>{title}</DialogTitle>
        <DialogContent className={styles.content}>
          {serverError === null || serverIssues === null ? null : (
            <ErrorBar
              error={summaryOf(serverError.appError, serverIssues)}
              title={Object.keys(serverIssues.byField).length > 0 ? 'Check the highlighted fields' : 'Not saved'}
              {...(secretWasCleared ? { extra: 'For safety the secret field was cleared: enter the secret again.' } : {})}
            />
          )}
          <div className={styles.grid}>
            <Field label="Email address" required className={styles.wide} {...fieldProps('address', 'The external address the platform will send as.')}>
              <Input value={draft.address} onChange={(_e, d) => set('address', d.value)} inputMode="email" autoComplete="off" spellCheck={false} />
            </Field>
            <Field label="Platform" required {...fieldProps('platform')}>
              <LabelSelect value={platform} labels={smtpPlatformLabels} onChange={(value) => set('platform', value)} />
            </Field>
            <Field label="Environment" required {...fieldProps('environment')}>
              <LabelSelect value={draft.environment} labels={environmentChoices as Record<Environment, string>} onChange={(value) => set('environment', value)} />
            </Field>
            <Field label="Mail provider" required {...fieldProps('provider', 'Preset identifier; “custom” when you enter the server yourself.')}>
              <Input value={draft.provider} onChange={(_e, d) => set('provider', d.value)} autoComplete="off" spellCheck={false} />
            </Field>
            <Field label="SMTP server" required {...fieldProps('host', 'For example smtp.office365.com.')}>
              <Input value={draft.host} onChange={(_e, d) => set('host', d.value)} autoComplete="off" spellCheck={false} />
            </Field>
            <Field label="Security" required {...fieldProps('security')}>
              <LabelSelect value={draft.security} labels={securityLabels} onChange={setSecurity} />
            </Field>
            <Field label="Port" required {...fieldProps('port', '587 with STARTTLS, 465 with implicit TLS.')}>
              <Input value={draft.port} onChange={(_e, d) => set('port', d.value)} inputMode="numeric" autoComplete="off" />
            </Field>
            <Field label="Username" required {...fieldProps('username', 'Often the full email address.')}>
              <Input value={draft.username} onChange={(_e, d) => set('username', d.value)} autoComplete="off" spellCheck={false} />
            </Field>
            <Field label="Authentication" required {...fieldProps('authKind')}>
              <LabelSelect value={draft.authKind} labels={authKindLabels} onChange={(value) => set('authKind', value)} />
            </Field>
            {takesSecret ? (
              <Field label={secretLabel(draft.authKind)} className={styles.wide} {...fieldProps('secret', secretHint)}>
                <Input type="password" value={secret} onChange={(_e, d) => setSecret(d.value)} autoComplete="new-password" spellCheck={false} />
              </Field>
            ) : (
              <Text className={styles.wide} data-testid="secret-kept">
                The stored {secretLabel(draft.authKind).toLowerCase()} stays as it is. To replace it, use <strong>Rotate</strong> in this address&apos;s row:
                it tests the new one against the server first and keeps the old one if anything fails.
              </Text>
            )}
          </div>
        </DialogContent>
        <DialogActions>
          <DialogTrigger disableButtonEnhancement>
            <Button appearance="secondary">Cancel</Button>
          </DialogTrigger>
          <Button type="submit" appearance="primary" disabledFocusable={mutation.isPending}>
            {mutation.isPending ? 'Saving\u2026' : mode.kind === 'create' ? 'Add address' : 'Save changes'}
          </Button>
        </DialogActions>
      </DialogBody>
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
      return 'OAuth 2.0 client secret';
    default:
      return assertNever(kind);
  }
}

import { Button, Field, Input, makeStyles, mergeClasses, Text, tokens } from '@fluentui/react-components';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ImapMailbox } from '../../../../src-preload/contract/verification-schemas';
import type { AppError } from '../../../../src-preload/contract';
import { useChannelMutation } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { LabelSelect } from '../../ui/label-select';
import { LiveStatus } from '../../ui/live-status';
import { useCardStyles } from '../connection-test/card-styles';
import { SecretInput } from '../connection-test/secret-input';

const securityLabels = { tls: 'Implicit TLS (993)', starttls: 'STARTTLS (143)' } as const satisfies Record<ImapMailbox['security'], string>;

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(2, minmax(0, 1fr))',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalM,
    '@media (max-width: 900px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  footer: { marginTop: tokens.spacingVerticalM },
  summary: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  summaryText: { flexGrow: 1, flexBasis: '20rem', minWidth: 0, margin: 0, overflowWrap: 'anywhere' },
});

interface Draft {
  readonly host: string;
  readonly port: string;
  readonly security: ImapMailbox['security'];
  readonly username: string;
}

type Errors = Partial<Record<keyof Draft | 'secret', string>>;

function draftOf(mailbox: ImapMailbox | null): Draft {
  return mailbox === null ? { host: '', port: '993', security: 'tls', username: '' } : { host: mailbox.host, port: String(mailbox.port), security: mailbox.security, username: mailbox.username };
}

export interface MailboxFormProps {
  readonly addressId: string;
  readonly address: string;
  readonly mailbox: ImapMailbox | null;
  /**
   * `verification` (default): where the verification email is read. `forwarding`: the
   * forwarding check mailbox, where mail sent TO the address should arrive after forwarding.
   */
  readonly kind?: 'verification' | 'forwarding';
}

interface KindText {
  readonly heading: string;
  readonly empty: (address: string) => string;
  readonly reads: (mailbox: ImapMailbox, address: string) => string;
  readonly formLabel: string;
  readonly save: string;
  readonly remove: string;
  readonly notSaved: string;
  readonly savedWord: string;
  /** The Edit button's accessible name (two on one page must differ). */
  readonly edit: string;
}

const kindTexts: Readonly<Record<NonNullable<MailboxFormProps['kind']>, KindText>> = {
  verification: {
    heading: 'Mailbox for the verification email',
    empty: () =>
      'No mailbox is set up: Relayproof sends the verification email but cannot look for it. Set up the inbox it is delivered to (IMAP over TLS), or open the received message as an .eml file under Prove delivery.',
    reads: (m) => `Relayproof reads ${m.username} on ${m.host}:${m.port} to find the verification email.`,
    formLabel: 'Mailbox settings',
    save: 'Save mailbox',
    remove: 'Remove mailbox',
    notSaved: 'The mailbox was not saved',
    savedWord: 'Mailbox',
    edit: 'Edit mailbox',
  },
  forwarding: {
    heading: 'Forwarding check mailbox',
    empty: (address) =>
      `Optional. If mail sent to ${address} is forwarded (to the platform's support address, or a test mailbox), set up the mailbox it should arrive in and that you can read: "Send verification email" then also sends a message to ${address} and checks that it arrives there, forwarded once.`,
    reads: (m, address) => `"Send verification email" also sends a message to ${address} and looks for it in ${m.username} on ${m.host}:${m.port} (the "Inbound forwarding" item).`,
    formLabel: 'Forwarding check settings',
    save: 'Save forwarding check mailbox',
    remove: 'Remove forwarding check mailbox',
    notSaved: 'The forwarding check mailbox was not saved',
    savedWord: 'Forwarding check mailbox',
    edit: 'Edit forwarding check mailbox',
  },
};

/**
 * A mailbox Relayproof reads (IMAP over TLS): the verification email's, or the forwarding
 * check mailbox. Server and account go on the address, the password into the OS keychain.
 * The password is read from the field once, on Save, then cleared; it never comes back from main.
 * Once set up it is one line with an Edit button: the status, not its settings, leads the page.
 */
export function MailboxForm({ addressId, address, mailbox, kind = 'verification' }: MailboxFormProps) {
  const styles = useStyles();
  const card = useCardStyles();
  const text = kindTexts[kind];
  const headingId = kind === 'verification' ? 'mailbox-heading' : 'forwarding-mailbox-heading';
  const [draft, setDraft] = useState<Draft>(() => draftOf(mailbox));
  const [errors, setErrors] = useState<Errors>({});
  const [saved, setSaved] = useState<string | null>(null);
  const secretRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const saveMailbox = useChannelMutation('verification:set-mailbox', { invalidates: ['verification:status', 'addresses:list'] });
  const saveForwarding = useChannelMutation('verification:set-forwarding-mailbox', { invalidates: ['verification:status', 'addresses:list'] });
  const save = kind === 'verification' ? saveMailbox : saveForwarding;
  // Open while nothing is set up, or while the admin edits; collapsed to one line otherwise.
  const [editing, setEditing] = useState(false);
  const [focusTarget, setFocusTarget] = useState<'edit' | 'form' | null>(null);
  const editRef = useRef<HTMLButtonElement>(null);
  const open = mailbox === null || editing;

  // Focus follows the open/close (never dropped to the page): the first field, or Edit again.
  useEffect(() => {
    if (focusTarget === null) return;
    if (focusTarget === 'edit' && editRef.current !== null) {
      editRef.current.focus();
      setFocusTarget(null);
    } else if (focusTarget === 'form' && formRef.current !== null) {
      formRef.current.querySelector<HTMLElement>('input')?.focus();
      setFocusTarget(null);
    }
  }, [focusTarget, open, mailbox]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value, ...(key === 'security' ? { port: value === 'tls' ? '993' : '143' } : {}) }));
    setSaved(null);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const host = draft.host.trim();
    const username = draft.username.trim();
    const port = Number(draft.port);
    const secret = secretRef.current?.value ?? '';
    const next: Errors = {};
    if (host === '') next.host = 'Enter the IMAP server, such as outlook.office365.com.';
    if (!/^\d+$/u.test(draft.port.trim()) || port < 1 || port > 65535) next.port = 'Enter a port from 1 to 65535 (993 for implicit TLS).';
    if (username === '') next.username = 'Enter the mailbox account, usually its email address.';
    if (mailbox === null && secret === '') next.secret = 'Enter the mailbox password (or app password): Relayproof signs in to look for the verification email.';
    setErrors(next);
    if (Object.keys(next).length > 0) {
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    save.mutate(
      { addressId, mailbox: { host, port, security: draft.security, username }, ...(secret === '' ? {} : { secret }) },
      {
        onSuccess: (result) => {
          setEditing(false);
          setFocusTarget('edit');
          setSaved(`${text.savedWord} saved for ${address}: ${username} on ${host}:${port}. ${result.mailboxSecret.stored === true ? 'Its password is in the OS keychain.' : 'No password is stored yet: enter it to read the mailbox.'}`);
        },
      },
    );
    if (secretRef.current !== null) secretRef.current.value = '';
  };

  const remove = () => {
    save.mutate(
      { addressId, mailbox: null },
      {
        onSuccess: () => {
          setDraft(draftOf(null));
          setSaved(`The ${text.savedWord.toLowerCase()} of ${address} was removed, and its password deleted from the keychain.`);
        },
      },
    );
  };

  const field = (name: keyof Errors) => (errors[name] === undefined ? {} : { validationState: 'error' as const, validationMessage: errors[name] });
  const serverError: AppError | null = save.error?.appError ?? null;

  return (
    <section className={card.card} aria-labelledby={headingId}>
      <h2 id={headingId} className={card.heading}>
        {text.heading}
      </h2>
      {mailbox !== null && !open ? (
        <div className={styles.summary} data-testid={`${kind}-mailbox-summary`}>
          <Text as="p" className={styles.summaryText}>
            {text.reads(mailbox, address)}
          </Text>
          <Button
            ref={(element: HTMLButtonElement | null) => {
              editRef.current = element;
            }}
            aria-label={text.edit}
            onClick={() => {
              setDraft(draftOf(mailbox));
              setErrors({});
              setSaved(null);
              setEditing(true);
              setFocusTarget('form');
            }}
          >
            Edit
          </Button>
        </div>
      ) : (
        <Text as="p" className={card.paragraph}>
          {mailbox === null ? text.empty(address) : text.reads(mailbox, address)}
        </Text>
      )}
      {!open ? null : (
      <form ref={formRef} onSubmit={submit} noValidate aria-label={text.formLabel}>
        <div className={styles.grid}>
          <Field label="IMAP server" required {...field('host')}>
            <Input value={draft.host} onChange={(_e, d) => set('host', d.value)} autoComplete="off" spellCheck={false} className={styles.mono} />
          </Field>
          <Field label="Security" required hint="Credentials only ever travel over TLS.">
            <LabelSelect value={draft.security} labels={securityLabels} onChange={(v) => set('security', v)} />
          </Field>
          <Field label="IMAP port" required {...field('port')}>
            <Input value={draft.port} onChange={(_e, d) => set('port', d.value)} inputMode="numeric" autoComplete="off" />
          </Field>
          <Field label="Mailbox username" required hint="Usually the mailbox's email address." {...field('username')}>
            <Input value={draft.username} onChange={(_e, d) => set('username', d.value)} autoComplete="off" spellCheck={false} />
          </Field>
          <Field
            label="Mailbox password"
            required={mailbox === null}
            hint={mailbox === null ? 'Saved in the OS keychain, never shown again.' : 'Leave empty to keep the saved password. A new server or username needs it again.'}
            {...field('secret')}
          >
            {(control) => <SecretInput {...control} inputRef={secretRef} disabled={save.isPending} onPresence={() => setSaved(null)} />}
          </Field>
        </div>
        <div className={mergeClasses(card.actions, styles.footer)}>
          <Button type="submit" appearance="primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : text.save}
          </Button>
          {mailbox === null ? null : (
            <Button type="button" disabled={save.isPending} onClick={remove}>
              {text.remove}
            </Button>
          )}
          {mailbox === null ? null : (
            <Button
              type="button"
              disabled={save.isPending}
              onClick={() => {
                setEditing(false);
                setErrors({});
                setFocusTarget('edit');
              }}
            >
              Cancel
            </Button>
          )}
        </div>
      </form>
      )}
      {serverError === null ? null : <ErrorBar error={serverError} title={text.notSaved} />}
      <LiveStatus message={saved} />
    </section>
  );
}

import { Button, Field, Input, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useRef, useState } from 'react';
import type { ChannelInput, ChannelOutput } from '../../../../src-preload/contract';
import { certificateThumbprintSchema } from '../../../../src-preload/contract/m365-schemas';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  key: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    padding: tokens.spacingHorizontalS,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground1,
    resize: 'vertical',
    ':focus-visible': { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
});

type SavedCertificate = NonNullable<ChannelOutput<'m365:get-oauth-state'>['certificate']>;

export interface CertificateCredentialProps {
  readonly addressId: string;
  readonly saved: SavedCertificate | null;
  readonly pending: boolean;
  /** Sends the key once; the field is already cleared when this is called. */
  readonly onSave: (input: ChannelInput<'m365:set-client-certificate'>) => void;
}

/**
 * The certificate credential of the app registration: its thumbprint and the PEM private
 * key, pasted or read from a file into an uncontrolled field (never React state), sent once
 * to the keychain and cleared; afterwards only the thumbprint is shown.
 */
export function CertificateCredential({ addressId, saved, pending, onSave }: CertificateCredentialProps) {
  const styles = useStyles();
  const [thumbprint, setThumbprint] = useState('');
  const [errors, setErrors] = useState<{ thumbprint?: string; key?: string }>({});
  const keyRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const readFile = (file: File | undefined) => {
    if (file === undefined) return;
    void file.text().then((text) => {
      if (keyRef.current !== null) keyRef.current.value = text;
      if (fileRef.current !== null) fileRef.current.value = '';
      setErrors(({ key: _k, ...rest }) => rest);
    });
  };

  const save = () => {
    const privateKeyPem = keyRef.current?.value ?? '';
    const next: { thumbprint?: string; key?: string } = {};
    const typed = thumbprint.trim();
    const problem = typed === '' ? 'Copy the Thumbprint shown next to the certificate under Certificates & secrets.' : certificateThumbprintSchema.safeParse(typed).error?.issues[0]?.message;
    if (problem !== undefined) next.thumbprint = problem;
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/u.test(privateKeyPem)) next.key = 'Paste the private key as PEM (-----BEGIN PRIVATE KEY-----), or choose the key file.';
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    if (keyRef.current !== null) keyRef.current.value = '';
    onSave({ addressId, thumbprint: typed, privateKeyPem });
  };

  const field = (name: 'thumbprint' | 'key', hint: string) => (errors[name] === undefined ? { hint } : { validationState: 'error' as const, validationMessage: errors[name] });

  return (
    <div className={styles.form} role="group" aria-label="Certificate">
      <Text>
        {saved === null
          ? 'No certificate is saved for this address. Upload the certificate (public .cer/.pem) under Certificates & secrets › Certificates, then give its thumbprint and private key here.'
          : `A certificate is saved: thumbprint ${saved.thumbprint}${saved.keyStored === false ? ', but its private key is missing from the keychain — save it again' : ', private key in the OS keychain'}. Without a client secret typed above, tokens are requested with it.`}
      </Text>
      <Field label="Certificate thumbprint" required {...field('thumbprint', 'As shown under Certificates & secrets (40 hex characters; a SHA-256 thumbprint also works).')}>
        <Input className={styles.mono} value={thumbprint} onChange={(_e, d) => setThumbprint(d.value)} autoComplete="off" spellCheck={false} />
      </Field>
      <Field label="Private key (PEM)" required {...field('key', 'Sent once to the OS keychain and cleared from this page; never shown again.')}>
        {(control) => (
          // A native textarea: Fluent's Textarea keeps its value in React state, and the key must live only in the DOM until sent.
          <textarea
            {...control}
            ref={keyRef}
            className={styles.key}
            rows={5}
            placeholder="-----BEGIN PRIVATE KEY-----"
            autoComplete="off"
            spellCheck={false}
            onChange={() => setErrors(({ key: _k, ...rest }) => rest)}
          />
        )}
      </Field>
      <div className={styles.actions}>
        <Button onClick={() => fileRef.current?.click()}>Read key from file…</Button>
        <input ref={fileRef} type="file" accept=".pem,.key,.txt" hidden aria-hidden="true" tabIndex={-1} onChange={(e) => readFile(e.target.files?.[0])} />
        <Button onClick={save} disabled={pending}>
          Save certificate
        </Button>
      </div>
    </div>
  );
}

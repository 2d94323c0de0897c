import { makeStyles, Text, tokens } from '@fluentui/react-components';
import { useId, useState } from 'react';
import { MAX_EML_BYTES, type AppError } from '../../../../src-preload/contract';
import { useChannelMutation } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { FileDropZone } from '../../ui/file-drop-zone';
import { readFileBase64, type FileLimit } from '../../ui/file-read';
import { LiveStatus } from '../../ui/live-status';
import { useCardStyles } from '../connection-test/card-styles';

const useStyles = makeStyles({
  inline: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, flexGrow: 1, flexBasis: '22rem', minWidth: 0 },
});

/** What a message to verify may be (main checks it again). */
const EML_LIMIT: FileLimit = {
  maxBytes: MAX_EML_BYTES,
  empty: (file) => ({ code: 'invalid-input', message: `${file.name} is empty: it is not a saved message.`, hint: 'In your mail client, open the verification email and save it as .eml (File › Save as), then open that file.' }),
  tooLarge: (file, mb) => ({
    code: 'invalid-input',
    message: `${file.name} is ${mb} MB; a message to verify may be at most 25 MB (the verification email is a few KB).`,
    hint: 'Open the saved verification email itself, not a mailbox export or an attachment.',
  }),
};

export interface EmlOpenProps {
  readonly addressId: string;
  /** The file input's id, for a control elsewhere on the page that moves focus to it. */
  readonly inputId?: string;
  readonly onVerified: () => void;
  /**
   * `card` (default): its own section. `inline`: a compact drop zone for a row of actions
   * (beside "Send verification email", the other way to prove delivery).
   */
  readonly layout?: 'card' | 'inline';
}

/** "Open a received .eml file": a file input (keyboard) and a drop zone (mouse), verified in main. */
export function EmlOpen({ addressId, inputId: givenId, onVerified, layout = 'card' }: EmlOpenProps) {
  const styles = useStyles();
  const card = useCardStyles();
  const ownId = useId();
  const inputId = givenId ?? ownId;
  const hintId = useId();
  const [localError, setLocalError] = useState<AppError | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [fileName, setFileName] = useState('');
  const verify = useChannelMutation('verification:verify-eml', { invalidates: ['verification:status', 'verification:history'] });

  const open = (file: File) => {
    if (verify.isPending) return;
    setMessage(null);
    setFileName(file.name);
    verify.reset();
    setLocalError(null);
    void readFileBase64(file, EML_LIMIT).then((read) => {
      if (!read.ok) {
        setLocalError(read.error);
        return;
      }
      verify.mutate(
        { addressId, raw: read.base64 },
        {
          onSuccess: (result) => {
            const p = result.proof;
            const dkim = p.dkim.find((d) => d.aligned) ?? p.dkim[0];
            setMessage(
              `${file.name} verified: SPF ${p.spf.result}, DKIM ${dkim === undefined ? 'none' : `${dkim.result} (d=${dkim.domain ?? '?'} s=${dkim.selector ?? '?'})`}, DMARC ${p.dmarc.result}. ${p.pass ? 'It proves the setup.' : 'It does not prove the setup yet: see the items above.'}`,
            );
            onVerified();
          },
        },
      );
    });
  };

  const error = localError ?? verify.error?.appError ?? null;
  const zone = (
    <FileDropZone
      label="Received message (.eml)"
      inputId={inputId}
      describedBy={hintId}
      testId="eml-drop-zone"
      compact={layout === 'inline'}
      busy={verify.isPending ? `Verifying ${fileName}…` : null}
      onFile={open}
    />
  );
  const outcome = (
    <>
      {error === null ? null : <ErrorBar error={error} title={`${fileName === '' ? 'The file' : fileName} could not be verified`} />}
      <LiveStatus message={message} />
    </>
  );
  if (layout === 'inline') {
    return (
      <div className={styles.inline} role="group" aria-labelledby={`${hintId}-title`}>
        <Text id={`${hintId}-title`} weight="semibold">
          Or open a received .eml
        </Text>
        <Text size={200} className={card.secondary} id={hintId}>
          Saved from your mail client (File › Save as) when Relayproof cannot read the mailbox; checked like a message found over IMAP. Drop it here or choose it.
        </Text>
        {zone}
        {outcome}
      </div>
    );
  }
  return (
    <section className={card.card} aria-labelledby="eml-heading">
      <h2 id="eml-heading" className={card.heading}>
        Open a received .eml file
      </h2>
      <Text as="p" className={card.paragraph} id={hintId}>
        When Relayproof cannot read the mailbox, save the received verification email from your mail client as an .eml file and open it here (or drop it on this box). It is
        checked for SPF, DKIM and DMARC like a message found over IMAP, and recorded on this address.
      </Text>
      {zone}
      {outcome}
    </section>
  );
}

import { makeStyles, mergeClasses, Text, tokens } from '@fluentui/react-components';
import { useId, useState, type DragEvent } from 'react';
import { MAX_EML_BYTES, type AppError } from '../../../../src-preload/contract';
import { useChannelMutation } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { LiveStatus } from '../../ui/live-status';
import { useCardStyles } from '../connection-test/card-styles';
import { toBase64 } from './status-format';

const useStyles = makeStyles({
  inline: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, flexGrow: 1, flexBasis: '22rem', minWidth: 0 },
  compact: { padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`, gap: tokens.spacingVerticalXS },
  zone: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalL,
    border: `${tokens.strokeWidthThick} dashed ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusLarge,
  },
  over: { borderTopColor: tokens.colorBrandStroke1, borderRightColor: tokens.colorBrandStroke1, borderBottomColor: tokens.colorBrandStroke1, borderLeftColor: tokens.colorBrandStroke1, backgroundColor: tokens.colorBrandBackground2 },
  label: { fontWeight: tokens.fontWeightSemibold },
  input: {
    fontFamily: tokens.fontFamilyBase,
    fontSize: tokens.fontSizeBase300,
    color: tokens.colorNeutralForeground1,
    ':focus-visible': { outlineWidth: tokens.strokeWidthThick, outlineStyle: 'solid', outlineColor: tokens.colorStrokeFocus2, outlineOffset: '2px' },
  },
});

/** Checks the browser can make before sending 25 MB over the bridge; main checks everything again. */
function precheck(file: File): AppError | null {
  if (file.size === 0) return { code: 'invalid-input', message: `${file.name} is empty: it is not a saved message.`, hint: 'In your mail client, open the verification email and save it as .eml (File › Save as), then open that file.' };
  if (file.size > MAX_EML_BYTES) {
    return {
      code: 'invalid-input',
      message: `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; a message to verify may be at most 25 MB (the verification email is a few KB).`,
      hint: 'Open the saved verification email itself, not a mailbox export or an attachment.',
    };
  }
  return null;
}

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
  const [over, setOver] = useState(false);
  const [localError, setLocalError] = useState<AppError | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [fileName, setFileName] = useState('');
  const verify = useChannelMutation('verification:verify-eml', { invalidates: ['verification:status', 'verification:history'] });

  const open = (file: File | undefined) => {
    if (file === undefined || verify.isPending) return;
    setMessage(null);
    setFileName(file.name);
    verify.reset();
    const problem = precheck(file);
    setLocalError(problem);
    if (problem !== null) return;
    file.arrayBuffer().then(
      (buffer) =>
        verify.mutate(
          { addressId, raw: toBase64(new Uint8Array(buffer)) },
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
        ),
      () => setLocalError({ code: 'invalid-input', message: `${file.name} could not be read from disk.`, hint: 'Check that the file still exists and you may read it, then open it again.' }),
    );
  };

  const drop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    open(event.dataTransfer.files[0]);
  };

  const error = localError ?? verify.error?.appError ?? null;
  const zone = (
    <div
      className={mergeClasses(styles.zone, layout === 'inline' && styles.compact, over && styles.over)}
      data-testid="eml-drop-zone"
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <label htmlFor={inputId} className={styles.label}>
        Received message (.eml)
      </label>
      <input
        id={inputId}
        type="file"
        accept=".eml,message/rfc822"
        aria-describedby={hintId}
        className={styles.input}
        // Not disabled while verifying: that would drop keyboard focus to the page.
        onChange={(event) => {
          open(event.currentTarget.files?.[0]);
          event.currentTarget.value = '';
        }}
      />
      {verify.isPending ? <Text role="status">Verifying {fileName}…</Text> : null}
    </div>
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

import { makeStyles, mergeClasses, Text, tokens } from '@fluentui/react-components';
import { useId, useState, type DragEvent } from 'react';
import type { AppError } from '../../../../src-preload/contract';
import { MAX_BOUNCE_BYTES, type BounceReport } from '../../../../src-preload/contract/bounce-schemas';
import { useChannelMutation } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { LiveStatus } from '../../ui/live-status';
import { useCardStyles } from '../connection-test/card-styles';
import { toBase64 } from './status-format';

const useStyles = makeStyles({
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
  recipients: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  steps: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

const KIND_LABELS: Readonly<Record<BounceReport['kind'], string>> = {
  dsn: 'A delivery status notification',
  ndr: 'A bounce (read from its text)',
  'auto-reply': 'An automatic reply, not a bounce',
  'not-a-bounce': 'Not a bounce',
};

/** What the browser can check before sending the file over the bridge; main checks everything again. */
function precheck(file: File): AppError | null {
  if (file.size === 0) return { code: 'invalid-input', message: `${file.name} is empty: it is not a saved message.`, hint: 'In your mail client, open the bounce and save it as .eml (File › Save as), then open that file.' };
  if (file.size > MAX_BOUNCE_BYTES) {
    return { code: 'invalid-input', message: `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; a bounce may be at most 25 MB.`, hint: 'Open the saved bounce itself, not a mailbox export.' };
  }
  return null;
}

function Report({ report }: { readonly report: BounceReport }) {
  const styles = useStyles();
  const card = useCardStyles();
  return (
    <div data-testid="bounce-report">
      <h3 className={card.subheading}>{KIND_LABELS[report.kind]}</h3>
      {report.recipients.length === 0 ? null : (
        <ul className={styles.recipients} aria-label="Recipients">
          {report.recipients.map((r) => (
            <li key={r.address}>
              <Text weight="semibold">{r.address}</Text>: {r.action ?? 'no action given'}
              {r.status === null ? '' : ` (${r.status})`}
              {r.diagnostic === null ? null : (
                <Text as="p" className={card.mono}>
                  {r.diagnostic}
                </Text>
              )}
              {r.remoteMta === null ? null : (
                <Text as="p" size={200} className={card.secondary}>
                  Receiving server: {r.remoteMta}
                </Text>
              )}
            </li>
          ))}
        </ul>
      )}
      <Text as="p" className={card.paragraph}>
        {report.explanation}
      </Text>
      {report.fix.length === 0 ? null : (
        <ol className={styles.steps} aria-label="What to do">
          {report.fix.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** "Read a bounce": a saved DSN/NDR dropped or chosen, read in main and explained with the reply catalogue. */
export function BounceOpen() {
  const styles = useStyles();
  const card = useCardStyles();
  const inputId = useId();
  const hintId = useId();
  const [over, setOver] = useState(false);
  const [localError, setLocalError] = useState<AppError | null>(null);
  const [fileName, setFileName] = useState('');
  const read = useChannelMutation('analyze:read-bounce');

  const open = (file: File | undefined) => {
    if (file === undefined || read.isPending) return;
    setFileName(file.name);
    read.reset();
    const problem = precheck(file);
    setLocalError(problem);
    if (problem !== null) return;
    file.arrayBuffer().then(
      (buffer) => read.mutate({ raw: toBase64(new Uint8Array(buffer)) }),
      () => setLocalError({ code: 'invalid-input', message: `${file.name} could not be read from disk.`, hint: 'Check that the file still exists and you may read it, then open it again.' }),
    );
  };

  const drop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    open(event.dataTransfer.files[0]);
  };

  const error = localError ?? read.error?.appError ?? null;
  return (
    <section className={card.card} aria-labelledby="bounce-heading">
      <h2 id="bounce-heading" className={card.heading}>
        Read a bounce
      </h2>
      <Text as="p" className={card.paragraph} id={hintId}>
        When mail sent as this address comes back (&ldquo;Undeliverable&rdquo;, &ldquo;Delivery Status Notification&rdquo;, from MAILER-DAEMON or postmaster), save the bounce
        as .eml and open it here (or drop it on this box): each recipient&rsquo;s status is explained, with who sent the bounce and what to do.
      </Text>
      <div
        className={mergeClasses(styles.zone, over && styles.over)}
        data-testid="bounce-drop-zone"
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        <label htmlFor={inputId} className={styles.label}>
          Bounce (.eml)
        </label>
        <input
          id={inputId}
          type="file"
          accept=".eml,message/rfc822"
          aria-describedby={hintId}
          className={styles.input}
          // Not disabled while reading: that would drop keyboard focus to the page.
          onChange={(event) => {
            open(event.currentTarget.files?.[0]);
            event.currentTarget.value = '';
          }}
        />
        {read.isPending ? <Text role="status">Reading {fileName}…</Text> : null}
      </div>
      {error === null ? null : <ErrorBar error={error} title={`${fileName === '' ? 'The file' : fileName} could not be read`} />}
      <LiveStatus message={read.data === undefined ? null : `${fileName}: ${KIND_LABELS[read.data.kind]}.`} />
      {read.data === undefined ? null : <Report report={read.data} />}
    </section>
  );
}

import { makeStyles, Text, tokens } from '@fluentui/react-components';
import { useId, useState } from 'react';
import type { AppError } from '../../../../src-preload/contract';
import { MAX_BOUNCE_BYTES, type BounceReport } from '../../../../src-preload/contract/bounce-schemas';
import { useChannelMutation } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { FileDropZone } from '../../ui/file-drop-zone';
import { readFileBase64, type FileLimit } from '../../ui/file-read';
import { LiveStatus } from '../../ui/live-status';
import { useCardStyles } from '../connection-test/card-styles';

const useStyles = makeStyles({
  recipients: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  steps: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

const KIND_LABELS: Readonly<Record<BounceReport['kind'], string>> = {
  dsn: 'A delivery status notification',
  ndr: 'A bounce (read from its text)',
  'auto-reply': 'An automatic reply, not a bounce',
  'not-a-bounce': 'Not a bounce',
};

/** What a bounce may be (main checks it again). */
const BOUNCE_LIMIT: FileLimit = {
  maxBytes: MAX_BOUNCE_BYTES,
  empty: (file) => ({ code: 'invalid-input', message: `${file.name} is empty: it is not a saved message.`, hint: 'In your mail client, open the bounce and save it as .eml (File › Save as), then open that file.' }),
  tooLarge: (file, mb) => ({ code: 'invalid-input', message: `${file.name} is ${mb} MB; a bounce may be at most 25 MB.`, hint: 'Open the saved bounce itself, not a mailbox export.' }),
};

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
  const card = useCardStyles();
  const inputId = useId();
  const hintId = useId();
  const [localError, setLocalError] = useState<AppError | null>(null);
  const [fileName, setFileName] = useState('');
  const read = useChannelMutation('analyze:read-bounce');

  const open = (file: File) => {
    if (read.isPending) return;
    setFileName(file.name);
    read.reset();
    setLocalError(null);
    void readFileBase64(file, BOUNCE_LIMIT).then((got) => (got.ok ? read.mutate({ raw: got.base64 }) : setLocalError(got.error)));
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
      <FileDropZone label="Bounce (.eml)" inputId={inputId} describedBy={hintId} testId="bounce-drop-zone" busy={read.isPending ? `Reading ${fileName}…` : null} onFile={open} />
      {error === null ? null : <ErrorBar error={error} title={`${fileName === '' ? 'The file' : fileName} could not be read`} />}
      <LiveStatus message={read.data === undefined ? null : `${fileName}: ${KIND_LABELS[read.data.kind]}.`} />
      {read.data === undefined ? null : <Report report={read.data} />}
    </section>
  );
}

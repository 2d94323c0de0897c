import { Button, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { useId, useState } from 'react';
import type { TranscriptLine } from '../../../../src-preload/contract/smtp-schemas';
import { formatTranscript } from '../../../../src-preload/contract/smtp-transcript-format';
import { CopyButton } from '../../ui/copy-button';
import { useVisuallyHiddenStyles } from '../../ui/visually-hidden';
import { useCardStyles } from './card-styles';
import { Heading, type HeadingLevel } from './heading';

const useStyles = makeStyles({
  scroller: {
    maxHeight: '22rem',
    overflow: 'auto',
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground3,
    ':focus-visible': {
      outlineWidth: tokens.strokeWidthThick,
      outlineStyle: 'solid',
      outlineColor: tokens.colorStrokeFocus2,
    },
  },
  pre: {
    margin: 0,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase300,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
  line: { display: 'block', paddingLeft: '12ch', textIndent: '-12ch' },
  time: { color: tokens.colorNeutralForeground3 },
  client: { color: tokens.colorBrandForeground1 },
  server: { color: tokens.colorNeutralForeground1 },
  note: { color: tokens.colorNeutralForeground3, fontStyle: 'italic' },
});

export interface TranscriptViewerProps {
  readonly lines: readonly TranscriptLine[];
  /** Used in the downloaded file's name. */
  readonly host: string;
  readonly startedAt: string;
  readonly headingLevel: HeadingLevel;
}

type DownloadState = 'idle' | 'done' | 'failed';

/**
 * The whole SMTP dialogue. Main replaced AUTH payloads and every form of the secret
 * with a marker before the report left it, so what is shown, copied and downloaded
 * here is safe to attach to a support ticket.
 */
export function TranscriptViewer({ lines, host, startedAt, headingLevel }: TranscriptViewerProps) {
  const card = useCardStyles();
  const styles = useStyles();
  const hidden = useVisuallyHiddenStyles();
  const headingId = useId();
  const [download, setDownload] = useState<DownloadState>('idle');
  const text = formatTranscript(lines);
  const fileName = transcriptFileName(host, startedAt);

  const save = () => {
    // A blob: URL followed by an <a download> is a download, not a navigation or a
    // fetch, so the page's CSP (no blob: in any fetch directive) does not apply to it.
    try {
      const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      link.rel = 'noopener';
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setDownload('done');
    } catch {
      setDownload('failed');
    }
  };

  const dirClass = (dir: TranscriptLine['dir']) => (dir === 'C' ? styles.client : dir === 'S' ? styles.server : styles.note);
  const dirWord = (dir: TranscriptLine['dir']) => (dir === 'C' ? 'C:' : dir === 'S' ? 'S:' : '*');

  return (
    <section className={card.card} aria-labelledby={headingId}>
      <div className={card.header}>
        <Heading level={headingLevel} id={headingId} className={card.heading}>
          Transcript
        </Heading>
        <span className={card.actions}>
          <CopyButton text={text} what="" label="Copy transcript" />
          <Button size="small" onClick={save}>
            Download .txt
          </Button>
          <span role="status" className={hidden.hidden}>
            {download === 'done' ? `Saved the transcript as ${fileName}.` : download === 'failed' ? 'The transcript could not be saved: copy it instead.' : ''}
          </span>
        </span>
      </div>
      <p className={mergeClasses(card.paragraph, card.secondary)}>
        C: what Relayproof sent, S: what the server answered, *: what happened on the connection. Secrets are replaced with /* secret */.
      </p>
      {/* Scrollable, so it must be reachable by keyboard to scroll it (WCAG 2.1.1). */}
      <div className={styles.scroller} role="region" aria-label="SMTP transcript" tabIndex={0}>
        <pre className={styles.pre} data-transcript="">
          {lines.map((line, i) => (
            <span key={i} className={mergeClasses(styles.line, dirClass(line.dir))}>
              <span className={styles.time}>{String(Math.round(line.t)).padStart(6, ' ')} ms </span>
              {dirWord(line.dir)} {line.text}
            </span>
          ))}
        </pre>
      </div>
    </section>
  );
}

export function transcriptFileName(host: string, startedAt: string): string {
  const safeHost = host.replace(/[^A-Za-z0-9.-]+/gu, '_').slice(0, 80) || 'server';
  const stamp = startedAt.replace(/\.\d+Z$/u, 'Z').replace(/[:]/gu, '-');
  return `relayproof-transcript-${safeHost}-${stamp}.txt`;
}

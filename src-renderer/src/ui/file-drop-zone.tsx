/**
 * A file the admin gives Relayproof (a saved .eml, a bounce): a real file input, so the
 * keyboard and screen readers reach it, inside a box that also takes a dropped file.
 * The caller decides what a file must be (its size limit, its words: file-read.ts) and
 * what happens to it; this draws the box and keeps the drag state.
 */
import { makeStyles, mergeClasses, Text, tokens } from '@fluentui/react-components';
import { useState, type DragEvent, type ReactNode } from 'react';

const useStyles = makeStyles({
  zone: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalL,
    border: `${tokens.strokeWidthThick} dashed ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusLarge,
  },
  compact: { padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`, gap: tokens.spacingVerticalXS },
  over: { borderTopColor: tokens.colorBrandStroke1, borderRightColor: tokens.colorBrandStroke1, borderBottomColor: tokens.colorBrandStroke1, borderLeftColor: tokens.colorBrandStroke1, backgroundColor: tokens.colorBrandBackground2 },
  label: { fontWeight: tokens.fontWeightSemibold },
  input: {
    fontFamily: tokens.fontFamilyBase,
    fontSize: tokens.fontSizeBase300,
    color: tokens.colorNeutralForeground1,
    ':focus-visible': { outlineWidth: tokens.strokeWidthThick, outlineStyle: 'solid', outlineColor: tokens.colorStrokeFocus2, outlineOffset: '2px' },
  },
});

export interface FileDropZoneProps {
  /** The file input's visible label (its accessible name). */
  readonly label: string;
  readonly inputId: string;
  /** The id of the text that says what file to give (the input's description). */
  readonly describedBy?: string | undefined;
  readonly accept?: string;
  readonly testId?: string;
  /** A tighter box, for a row of actions. */
  readonly compact?: boolean;
  /** Said while the file is being worked on ("Verifying sent.eml…"); null when idle. */
  readonly busy?: string | null;
  /** A chosen or dropped file (the first one). */
  readonly onFile: (file: File) => void;
  /** Under the input: a short note on what is read. */
  readonly children?: ReactNode;
}

export function FileDropZone({ label, inputId, describedBy, accept = '.eml,message/rfc822', testId, compact = false, busy = null, onFile, children }: FileDropZoneProps) {
  const styles = useStyles();
  const [over, setOver] = useState(false);
  const drop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (file !== undefined) onFile(file);
  };
  return (
    <div
      className={mergeClasses(styles.zone, compact && styles.compact, over && styles.over)}
      data-testid={testId}
      onDragOver={(event) => {
        // Without preventDefault the browser opens the dropped file itself instead of giving it to us.
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <label htmlFor={inputId} className={styles.label}>
        {label}
      </label>
      <input
        id={inputId}
        type="file"
        accept={accept}
        aria-describedby={describedBy}
        className={styles.input}
        // Never disabled while working: that would drop keyboard focus to the page.
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          // Cleared, so choosing the same file again (after fixing it) is a new choice.
          event.currentTarget.value = '';
          if (file !== undefined) onFile(file);
        }}
      />
      {children}
      {busy === null ? null : <Text role="status">{busy}</Text>}
    </div>
  );
}

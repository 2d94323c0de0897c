import { Button, makeStyles, tokens, type ButtonProps } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { useVisuallyHiddenStyles } from './visually-hidden';

const useStyles = makeStyles({
  copied: { color: tokens.colorPaletteGreenForeground1 },
  failed: { color: tokens.colorPaletteRedForeground1 },
});

type CopyState = 'idle' | 'copied' | 'failed';

const CONFIRM_MS = 2500;

export interface CopyButtonProps {
  /** Exactly what lands on the clipboard. */
  readonly text: string;
  /** What is copied, for the accessible name: "value of TXT _dmarc" → "Copy value of TXT _dmarc"; '' when the label says it. */
  readonly what: string;
  /** Visible label (default "Copy"). */
  readonly label?: string;
  readonly size?: ButtonProps['size'];
  readonly appearance?: ButtonProps['appearance'];
}

/**
 * Copies with the async clipboard API and says so: the label turns into "Copied" for a
 * moment and a polite live region announces it; a refused clipboard says what to do.
 */
export function CopyButton({ text, what, label = 'Copy', size = 'small', appearance = 'secondary' }: CopyButtonProps) {
  const styles = useStyles();
  const hidden = useVisuallyHiddenStyles();
  const [state, setState] = useState<CopyState>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), CONFIRM_MS);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = () => {
    navigator.clipboard.writeText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };

  const subject = what === '' ? label.replace(/^Copy /u, '') : what;
  const shown = state === 'copied' ? 'Copied' : state === 'failed' ? 'Not copied' : label;
  return (
    <>
      <Button size={size} appearance={appearance} onClick={copy} className={state === 'copied' ? styles.copied : state === 'failed' ? styles.failed : undefined} data-copy-state={state}>
        {shown}
        {what === '' ? null : <span className={hidden.hidden}> {what}</span>}
      </Button>
      <span role="status" className={hidden.hidden}>
        {state === 'copied' ? `Copied ${subject} to the clipboard.` : state === 'failed' ? `Could not copy ${subject}: the clipboard refused. Select the text and copy it.` : ''}
      </span>
    </>
  );
}

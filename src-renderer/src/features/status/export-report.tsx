import { Button, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { useChannelMutation } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { downloadText } from '../m365/download';

const useStyles = makeStyles({
  box: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
});

/**
 * "Export report": a self-contained HTML page (printable, no external resources) or JSON,
 * without any secret, for the SaaS vendor's support or a colleague. One address, or all.
 */
export function ExportReport({ addressId, subject }: { readonly addressId?: string; readonly subject: string }) {
  const styles = useStyles();
  const report = useChannelMutation('verification:report');
  const [done, setDone] = useState('');
  const save = (format: 'html' | 'json') => {
    setDone('');
    report.mutate(
      { format, ...(addressId === undefined ? {} : { addressId }) },
      {
        onSuccess: (file) => {
          downloadText(file.filename, file.mediaType, file.content);
          setDone(`Saved ${file.filename}.`);
        },
      },
    );
  };
  return (
    <div className={styles.box}>
      <div className={styles.actions} role="group" aria-label={`Export the report of ${subject}`}>
        <Button disabled={report.isPending} onClick={() => save('html')}>
          Export report (HTML)
        </Button>
        <Button disabled={report.isPending} onClick={() => save('json')}>
          Export report (JSON)
        </Button>
      </div>
      <span role="status" aria-live="polite">
        {done}
      </span>
      {report.error === null ? null : <ErrorBar error={report.error.appError} title="The report was not exported" />}
    </div>
  );
}

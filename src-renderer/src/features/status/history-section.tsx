import { Button, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import type { RunRecord } from '../../../../src-preload/contract/verification-schemas';
import { useChannelQuery } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { Loading } from '../../ui/loading';
import { useCardStyles } from '../connection-test/card-styles';
import { itemStateLabels } from './status-format';
import { DriftBox } from './status-item-card';
import { LocalTime } from '../../ui/local-time';

const useStyles = makeStyles({
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  run: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, paddingBottom: tokens.spacingVerticalS, borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}` },
  line: { margin: 0 },
  changes: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

const triggerLabels: Readonly<Record<RunRecord['trigger'], string>> = { manual: 'Run by you', scheduled: 'Background re-check', wizard: 'Connect wizard', cli: 'Command line' };

const PAGE = 20;

/** Every run of the address, newest first: what changed, and drift with before/after. */
export function HistorySection({ addressId, titles }: { readonly addressId: string; readonly titles: ReadonlyMap<string, string> }) {
  const styles = useStyles();
  const card = useCardStyles();
  const [limit, setLimit] = useState(PAGE);
  const history = useChannelQuery('verification:history', { addressId, limit });
  const title = (id: string) => titles.get(id) ?? id;
  return (
    <section className={card.card} aria-labelledby="history-heading">
      <h2 id="history-heading" className={card.heading}>
        History
      </h2>
      {history.error !== null ? <ErrorBar error={history.error.appError} title="The history could not be read" /> : null}
      {history.data === undefined ? (
        history.isPending ? <Loading label="Reading the history…" /> : null
      ) : history.data.runs.length === 0 ? (
        <Text as="p" className={card.paragraph}>
          No run yet. Re-check now or send the verification email to start the history.
        </Text>
      ) : (
        <>
          <Text as="p" size={200} className={card.secondary}>
            Showing {history.data.runs.length} of {history.data.total} runs (the last 500 are kept).
          </Text>
          <ol className={styles.list} aria-label="Runs, newest first">
            {history.data.runs.map((run) => {
              const changed = run.transitions.filter((t) => t.from !== t.to);
              return (
                <li key={run.id} className={styles.run} data-run={run.id}>
                  <Text as="p" className={styles.line} weight="semibold">
                    <LocalTime iso={run.finishedAt} /> · {triggerLabels[run.trigger]} · {run.observations.length} observation{run.observations.length === 1 ? '' : 's'}
                    {run.message === null ? '' : run.message.pass ? ' · message proved' : ' · message not proved'}
                  </Text>
                  {changed.length === 0 ? (
                    <Text as="p" size={200} className={card.secondary}>
                      No item changed.
                    </Text>
                  ) : (
                    <ul className={styles.changes}>
                      {changed.map((t) => (
                        <li key={t.itemId}>
                          {title(t.itemId)}: {itemStateLabels[t.from]} → {itemStateLabels[t.to]}
                        </li>
                      ))}
                    </ul>
                  )}
                  {run.drift.map((d) => (
                    <div key={d.itemId}>
                      <Text as="p" className={styles.line}>
                        {title(d.itemId)}: {d.explanation}
                      </Text>
                      <DriftBox drift={d} alarming={d.outcome !== 'pass'} />
                    </div>
                  ))}
                </li>
              );
            })}
          </ol>
          {history.data.total > history.data.runs.length && limit < 500 ? (
            <div className={card.actions}>
              <Button onClick={() => setLimit((l) => Math.min(500, l + PAGE * 5))}>Show older runs</Button>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}

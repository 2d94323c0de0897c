import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { receiptStage, type ReceiptStage, type ReceiptSteps, type SendRunState } from './verification-runs';
import { formatTime } from './status-format';

const useStyles = makeStyles({
  list: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, listStyleType: 'none', margin: 0, padding: 0 },
  step: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
    minWidth: '10rem',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    color: tokens.colorNeutralForeground2,
  },
  done: { border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteGreenBorder2}`, color: tokens.colorNeutralForeground1 },
  current: { border: `${tokens.strokeWidthThick} solid ${tokens.colorBrandStroke1}`, color: tokens.colorNeutralForeground1 },
  failed: { border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteRedBorder2}`, color: tokens.colorNeutralForeground1 },
  name: { fontWeight: tokens.fontWeightSemibold },
});

const ORDER: readonly ReceiptStage[] = ['sent', 'waiting', 'received', 'proved'];

type ProvedEvent = NonNullable<ReceiptSteps['proved']>;

/**
 * sent → waiting (attempt n) → received → proved, as the events arrive. `eml`: a received
 * message opened as .eml after this send proved it (provedByEml): those steps are done.
 */
export function ReceiptProgress({ state, eml = null }: { readonly state: SendRunState; readonly eml?: ProvedEvent | null }) {
  const styles = useStyles();
  if (state.phase === 'idle') return null;
  const byEml = state.phase === 'done' && state.proved === null ? eml : null;
  const reached = byEml !== null ? 'proved' : receiptStage(state);
  const reachedIndex = reached === null ? -1 : ORDER.indexOf(reached);
  const running = state.phase === 'running';
  return (
    <ol className={styles.list} aria-label="Verification email progress" data-testid="receipt-progress" data-stage={reached ?? 'sending'}>
      {ORDER.map((stage, i) => {
        const waitingNow = running && stage === 'waiting' && reached === 'waiting';
        const done = i <= reachedIndex && !waitingNow;
        const current = waitingNow || (running && i === reachedIndex + 1 && reached !== 'waiting');
        const awaitingEml = state.phase === 'done' && state.result.awaitingEml;
        const failed = !running && !awaitingEml && i === reachedIndex + 1;
        const word = done ? 'done' : current ? 'in progress' : failed ? 'did not happen' : 'not yet';
        return (
          <li key={stage} data-step={stage} data-step-state={done ? 'done' : current ? 'current' : 'todo'} className={mergeClasses(styles.step, done && styles.done, current && styles.current, failed && styles.failed)} aria-current={current ? 'step' : undefined}>
            <span className={styles.name}>
              {done ? '✓ ' : ''}
              {stageTitle(stage, state, byEml ?? state.proved)}
            </span>
            <span>
              {byEml !== null ? emlDetail(stage, state, byEml) : detail(stage, state)} ({word})
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function stageTitle(stage: ReceiptStage, state: Exclude<SendRunState, { phase: 'idle' }>, proved: ProvedEvent | null): string {
  switch (stage) {
    case 'sent':
      return 'Sent';
    case 'waiting':
      return state.waiting === null ? 'Waiting' : `Waiting (attempt ${state.waiting.attempt})`;
    case 'received':
      return 'Received';
    case 'proved':
      return proved === null ? 'Proved' : proved.pass ? 'Proved' : 'Checked: not proved';
  }
}

/** The steps as the opened .eml proved them. */
function emlDetail(stage: ReceiptStage, state: Exclude<SendRunState, { phase: 'idle' }>, proved: ProvedEvent): string {
  switch (stage) {
    case 'sent':
      return detail(stage, state);
    case 'waiting':
      return state.waiting === null ? 'no mailbox searched: you opened the message as .eml' : detail(stage, state);
    case 'received':
      return `opened as .eml ${formatTime(proved.at, '')}`;
    case 'proved':
      return `SPF ${proved.spf}, DKIM ${proved.dkim}, DMARC ${proved.dmarc}`;
  }
}

function detail(stage: ReceiptStage, state: Exclude<SendRunState, { phase: 'idle' }>): string {
  switch (stage) {
    case 'sent':
      return state.sent === null ? 'through the address’s own server' : `${state.sent.accepted ? 'accepted' : 'refused'} for ${state.sent.recipient}`;
    case 'waiting':
      return state.waiting === null ? 'searching the mailbox' : `searched ${state.waiting.searched.join(', ') || 'the mailbox'}; gives up ${formatTime(state.waiting.deadlineAt, '')}`;
    case 'received':
      return state.received === null ? 'found by its token' : `${state.received.mailbox ?? 'mailbox'} after ${Math.round(state.received.elapsedMs / 1000)} s`;
    case 'proved':
      return state.proved === null ? 'SPF, DKIM, DMARC' : `SPF ${state.proved.spf}, DKIM ${state.proved.dkim}, DMARC ${state.proved.dmarc}`;
  }
}

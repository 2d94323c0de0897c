import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  mergeClasses,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { useId } from 'react';
import type { ProbeMode, ProbeResult, ProbeStatus } from '../../../../src-preload/contract/smtp-schemas';
import { ErrorBar } from '../../ui/error-bar';
import { Loading } from '../../ui/loading';
import { useCardStyles } from './card-styles';
import { Heading, type HeadingLevel } from './heading';
import { sortedResults, type ProbeState } from './probe-run';

const useStyles = makeStyles({
  scroller: { overflowX: 'auto' },
  table: { tableLayout: 'auto', minWidth: '44rem' },
  good: { color: tokens.colorStatusSuccessForeground3, fontWeight: tokens.fontWeightSemibold },
  warn: { color: tokens.colorStatusWarningForeground3, fontWeight: tokens.fontWeightSemibold },
  bad: { color: tokens.colorStatusDangerForeground3, fontWeight: tokens.fontWeightSemibold },
  quiet: { color: tokens.colorNeutralForeground2 },
  nowrap: { whiteSpace: 'nowrap' },
  notes: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

export const probeModeLabels = { tls: 'Implicit TLS', starttls: 'STARTTLS' } as const satisfies Record<ProbeMode, string>;

const statusLabels = {
  ok: 'TLS and AUTH',
  'no-auth': 'TLS, no AUTH',
  'no-tls': 'No TLS offered',
  'untrusted-cert': 'Certificate not trusted',
  'wrong-mode': 'Other security mode',
  blocked: 'Blocked (timed out)',
  refused: 'Refused',
  unreachable: 'Unreachable',
  silent: 'No greeting',
  error: 'Error',
} as const satisfies Record<ProbeStatus, string>;

export interface ProbeResultsProps {
  readonly state: Exclude<ProbeState, { phase: 'idle' }>;
  readonly onCancel: () => void;
  readonly onUse: (port: number, security: ProbeMode) => void;
  readonly headingLevel: HeadingLevel;
}

/** Which ports and security modes the host answers on, and the one to use. */
export function ProbeResults({ state, onCancel, onUse, headingLevel }: ProbeResultsProps) {
  const card = useCardStyles();
  const styles = useStyles();
  const headingId = useId();
  const results = state.phase === 'done' ? state.report.results : state.phase === 'failed' ? [] : state.results;
  const tone = (status: ProbeStatus) =>
    status === 'ok' ? styles.good : status === 'no-auth' || status === 'untrusted-cert' || status === 'wrong-mode' ? styles.warn : status === 'refused' || status === 'silent' || status === 'no-tls' ? styles.bad : styles.quiet;

  return (
    <section className={card.card} aria-labelledby={headingId} aria-busy={state.phase === 'running'}>
      <div className={card.header}>
        <Heading level={headingLevel} id={headingId} className={card.heading}>
          Ports on {state.host}
        </Heading>
        {state.phase === 'running' ? (
          <span className={card.actions}>
            <Loading label={state.cancelling ? 'Cancelling…' : `Probing: ${state.results.length} of ${state.ports.length * 2} answered…`} />
            <Button size="small" onClick={onCancel} disabledFocusable={state.cancelling}>
              Cancel probe
            </Button>
          </span>
        ) : null}
      </div>
      {state.phase === 'failed' ? <ErrorBar error={state.error} title="The probe could not run" /> : null}
      {state.phase === 'cancelled' ? <p className={card.paragraph}>The probe was cancelled.</p> : null}
      {state.phase === 'done' && state.report.failure !== null ? (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>{state.report.failure.message}</MessageBarBody>
        </MessageBar>
      ) : null}
      {state.phase === 'done' && state.report.recommendation !== null ? (
        <MessageBar intent={state.report.results.some((r) => r.status === 'ok') ? 'success' : 'warning'} layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Recommendation</MessageBarTitle>
            {state.report.recommendation.text}
          </MessageBarBody>
          <MessageBarActions>
            <Button
              size="small"
              onClick={() => {
                const r = state.report.recommendation;
                if (r !== null) onUse(r.port, r.security);
              }}
            >
              Use port {state.report.recommendation.port} with {probeModeLabels[state.report.recommendation.security]}
            </Button>
          </MessageBarActions>
        </MessageBar>
      ) : null}
      {state.phase === 'done' && state.report.recommendation === null && state.report.failure === null ? (
        <p className={card.paragraph}>No port offered TLS with AUTH: see each port below.</p>
      ) : null}
      {results.length === 0 ? null : (
        <div className={styles.scroller}>
          <Table aria-label={`Probe results for ${state.host}`} className={styles.table} size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Port</TableHeaderCell>
                <TableHeaderCell>Security</TableHeaderCell>
                <TableHeaderCell>Result</TableHeaderCell>
                <TableHeaderCell>TLS</TableHeaderCell>
                <TableHeaderCell>AUTH</TableHeaderCell>
                <TableHeaderCell>Time</TableHeaderCell>
                <TableHeaderCell>Details</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {sortedResults(results).map((r: ProbeResult) => (
                <TableRow key={`${r.port}-${r.mode}`} data-probe={`${r.port}-${r.mode}`}>
                  <TableCell>{r.port}</TableCell>
                  <TableCell className={styles.nowrap}>{probeModeLabels[r.mode]}</TableCell>
                  <TableCell className={mergeClasses(styles.nowrap, tone(r.status))}>{statusLabels[r.status]}</TableCell>
                  <TableCell className={styles.nowrap}>{r.tls === null ? '—' : `${r.tls.protocol ?? '?'}${r.tls.trusted ? '' : ', untrusted'}`}</TableCell>
                  <TableCell className={styles.nowrap}>{r.auth.length === 0 ? '—' : r.auth.join(' ')}</TableCell>
                  <TableCell className={styles.nowrap}>{Math.round(r.ms)} ms</TableCell>
                  <TableCell>{r.detail}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      {state.phase === 'done' && state.report.notes.length > 0 ? (
        <ul className={styles.notes}>
          {state.report.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

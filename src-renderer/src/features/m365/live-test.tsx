import { Button, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text, tokens } from '@fluentui/react-components';
import { useEffect, useRef } from 'react';
import type { AddressView } from '../../../../src-preload/contract';
import type { ConnectionReport } from '../../../../src-preload/contract/smtp-schemas';
import { ErrorBar } from '../../ui/error-bar';
import { useVisuallyHiddenStyles } from '../../ui/visually-hidden';
import type { ConnectionRequest } from '../connection-test/connection-draft';
import { announcementOf, timelineOf, verdictOf } from '../connection-test/connection-run';
import { DiagnosisCard } from '../connection-test/diagnosis-card';
import { PhaseTimeline } from '../connection-test/phase-timeline';
import { phaseLabels } from '../connection-test/phase-labels';
import { useConnectionRun } from '../connection-test/use-connection-run';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  wrap: { overflowWrap: 'anywhere' },
});

export type LiveTestMode = 'stored-secret' | 'oauth';

/** The connection test of a saved address as the guide runs it: its stored secret, or the token held for it (XOAUTH2). */
export function liveTestRequest(address: AddressView, mode: LiveTestMode): ConnectionRequest {
  return {
    host: address.host,
    port: address.port,
    security: address.security,
    from: address.address,
    addressId: address.id,
    credentials:
      address.security === 'none'
        ? null
        : mode === 'oauth'
          ? { kind: 'oauth2', username: address.username, mechanism: 'XOAUTH2' }
          : { kind: address.authKind, username: address.username },
  };
}

export interface LiveTestProps {
  readonly address: AddressView;
  readonly mode: LiveTestMode;
  /** First run's button; afterwards it reads "Retest". */
  readonly label: string;
  /** Each finished report, for the readiness checklist. */
  readonly onReport: (report: ConnectionReport) => void;
  readonly disabled?: boolean;
}

/**
 * Runs `smtp:test-connection` for a saved address (secret or token lent inside main;
 * nothing secret ever reaches this page) with the connection test's own run hook,
 * timeline and diagnosis card, and hands each report to the checklist.
 */
export function LiveTest({ address, mode, label, onReport, disabled = false }: LiveTestProps) {
  const styles = useStyles();
  const hidden = useVisuallyHiddenStyles();
  const run = useConnectionRun();
  const { state } = run;
  const report = state.phase === 'done' ? state.report : null;

  const onReportRef = useRef(onReport);
  useEffect(() => {
    onReportRef.current = onReport;
  }, [onReport]);
  useEffect(() => {
    if (report !== null) onReportRef.current(report);
  }, [report]);

  const running = state.phase === 'running';
  const start = () => run.start(liveTestRequest(address, mode), false, undefined);

  return (
    <div className={styles.section}>
      <div className={styles.actions}>
        <Button appearance="primary" onClick={start} disabled={running || disabled}>
          {state.phase === 'idle' ? label : 'Retest'}
        </Button>
        {running ? (
          <Button onClick={run.cancel} disabled={state.cancelling}>
            Cancel test
          </Button>
        ) : null}
        <Text size={200}>
          {address.host}:{address.port} as {address.username}, {mode === 'oauth' ? 'with the token held for this address (XOAUTH2)' : 'with the secret stored in the keychain'}.
        </Text>
      </div>
      <div role="status" aria-live="polite" className={hidden.hidden}>
        {announcementOf(state)}
      </div>
      {state.phase === 'failed' ? <ErrorBar error={state.error} title="The test could not run" /> : null}
      {report === null ? null : <Verdict report={report} />}
      {state.phase === 'idle' || state.phase === 'failed' ? null : (
        <PhaseTimeline rows={timelineOf(state)} caption={`${state.target.host} port ${state.target.port}`} headingLevel={3} />
      )}
      {report?.diagnosis == null ? null : <DiagnosisCard diagnosis={report.diagnosis} headingLevel={3} eyebrow="Diagnosis" mailboxUpn={address.username} />}
    </div>
  );
}

function Verdict({ report }: { readonly report: ConnectionReport }) {
  const styles = useStyles();
  const intent = report.outcome === 'pass' ? 'success' : report.outcome === 'warn' ? 'warning' : 'error';
  const title = report.outcome === 'fail' ? `Failed at ${report.failure === null ? 'an unknown phase' : phaseLabels[report.failure.phase]}` : 'Signed in';
  const reply = report.failure?.reply?.text;
  return (
    <MessageBar intent={intent} layout="multiline" data-verdict={report.outcome} data-testid="m365-live-verdict">
      <MessageBarBody className={styles.wrap}>
        <MessageBarTitle>{title}</MessageBarTitle>
        {report.outcome === 'fail' ? (report.failure?.message ?? verdictOf(report)) : verdictOf(report)}
        {reply === undefined ? null : <> Server reply: {reply}</>}
      </MessageBarBody>
    </MessageBar>
  );
}

import { Button, Field, Input, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text, tokens } from '@fluentui/react-components';
import { useEffect, useRef } from 'react';
import type { ConnectionReport } from '../../../../src-preload/contract/smtp-schemas';
import { Loading } from '../../ui/loading';
import { draftFromAddress, requestOf } from '../connection-test/connection-draft';
import { timelineOf } from '../connection-test/connection-run';
import { DiagnosisCard } from '../connection-test/diagnosis-card';
import { PhaseTimeline } from '../connection-test/phase-timeline';
import { useConnectionRun } from '../connection-test/use-connection-run';
import type { StepProps } from './wizard-labels';
import { ContinueAnyway } from './continue-anyway';
import { continuedPastFailure } from './wizard-state';

/** "Its reply." with a full stop, for the sentences around it. */
function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/u.test(t) ? t : `${t}.`;
}

/** What the server answered when it did not take the verification email, in a sentence. */
function refusalOf(report: ConnectionReport): string | null {
  if (report.testSend?.accepted === true) return null;
  const reply = report.failure?.reply ?? report.testSend?.queueResponse ?? null;
  const message = report.failure?.message ?? 'The server did not take the message.';
  return sentence(reply === null || message.includes(reply.text) ? message : `${message} (its reply: ${reply.text})`);
}

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  form: { display: 'flex', alignItems: 'flex-end', gap: tokens.spacingHorizontalM, flexWrap: 'wrap', maxWidth: '72ch' },
  field: { flexGrow: 1, minWidth: '16rem' },
  mono: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
});

/**
 * Step 7: "Checking your setup", as the platform does it: a real verification email
 * through the stored credentials, and the server's acceptance (delivery is confirmed by
 * the Status view).
 */
export function VerifyStep({ state, dispatch, address, platform }: StepProps) {
  const styles = useStyles();
  const { state: run, start, cancel } = useConnectionRun();
  const report: ConnectionReport | null = run.phase === 'done' ? run.report : null;
  const accepted = report?.testSend?.accepted === true;

  // Tell the wizard once per finished run.
  const reported = useRef<ConnectionReport | null>(null);
  useEffect(() => {
    if (report === null || reported.current === report) return;
    reported.current = report;
    dispatch({ type: 'verify-finished', accepted: report.testSend?.accepted === true, refusal: refusalOf(report) });
  }, [report, dispatch]);
  // A run that failed before any answer (the server unreachable, the sign-in refused) is a refusal too.
  const failedMessage = run.phase === 'failed' ? run.error.message : null;
  useEffect(() => {
    if (failedMessage !== null) dispatch({ type: 'verify-finished', accepted: false, refusal: sentence(failedMessage) });
  }, [failedMessage, dispatch]);

  if (address === undefined) return <Loading label="Loading the address…" />;
  const recipient = state.recipient.trim() === '' ? address.address : state.recipient.trim();

  const send = () => {
    const parsed = requestOf({ ...draftFromAddress(address), to: state.recipient.trim(), send: true }, { kind: 'stored', addressId: address.id });
    if (!parsed.ok) return;
    start(parsed.request, true, undefined);
  };

  return (
    <div className={styles.root}>
      <Text>
        {platform?.name ?? 'The platform'} sends a verification email through your server before it accepts the address. Do the same now: Relayproof sends a real
        message from {address.address} through {address.host} with the secret in the OS keychain, so you see the server accept it.
      </Text>
      <form
        className={styles.form}
        noValidate
        aria-label="Verification email"
        onSubmit={(event) => {
          event.preventDefault();
          if (run.phase !== 'running') send();
        }}
      >
        <Field
          className={styles.field}
          label="Recipient (optional)"
          hint={`Empty: ${address.address}. Use a mailbox you can read.`}
          {...(state.errors.recipient === undefined ? {} : { validationState: 'error' as const, validationMessage: state.errors.recipient })}
        >
          <Input value={state.recipient} onChange={(_e, d) => dispatch({ type: 'set-text', field: 'recipient', value: d.value })} inputMode="email" autoComplete="off" spellCheck={false} />
        </Field>
        <Button type="submit" appearance="primary" disabledFocusable={run.phase === 'running'}>
          {run.phase === 'running' ? 'Sending…' : report === null ? 'Send the verification email' : 'Send again'}
        </Button>
        {run.phase === 'running' ? <Button onClick={cancel}>Cancel</Button> : null}
      </form>
      {state.errors.verify === undefined ? null : (
        <MessageBar intent="error">
          <MessageBarBody>{state.errors.verify}</MessageBarBody>
        </MessageBar>
      )}
      {run.phase === 'failed' ? (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>The verification email could not be sent</MessageBarTitle>
            {run.error.message}
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {report === null ? null : accepted && report.testSend !== null ? (
        <MessageBar intent="success" layout="multiline" data-verify="accepted">
          <MessageBarBody className={styles.mono}>
            <MessageBarTitle>The server accepted the verification email for {recipient}</MessageBarTitle>
            {report.testSend.queueResponse === null ? 'Accepted.' : `Its reply: ${report.testSend.queueResponse.text}.`} Message-ID {report.testSend.messageId}; token{' '}
            {report.testSend.token} in the subject.
          </MessageBarBody>
        </MessageBar>
      ) : (
        <MessageBar intent="error" layout="multiline" data-verify="refused">
          <MessageBarBody>
            <MessageBarTitle>The verification email was not accepted</MessageBarTitle>
            {report.failure?.message ?? 'The server did not take the message.'}
          </MessageBarBody>
        </MessageBar>
      )}
      {state.verifyAccepted || state.verifyRefusal === null || continuedPastFailure(state) ? null : (
        <ContinueAnyway
          label="Continue anyway, although the verification email was not accepted"
          checked={state.verifyContinueAnyway}
          onCheckedChange={(value) => dispatch({ type: 'set-verify-continue-anyway', value })}
          reason={state.verifyReason}
          onReasonChange={(value) => dispatch({ type: 'set-text', field: 'verifyReason', value })}
          hint="Saved with the address and listed at the summary. For example: the relay only accepts mail from the platform's addresses; sending from here is blocked."
          error={state.errors.verifyReason}
        />
      )}
      {run.phase === 'idle' || run.phase === 'failed' ? null : (
        <PhaseTimeline rows={timelineOf(run)} caption={`${address.host} port ${address.port}, with the verification email`} headingLevel={3} />
      )}
      {report?.diagnosis == null ? null : <DiagnosisCard diagnosis={report.diagnosis} headingLevel={3} eyebrow="Diagnosis" />}
    </div>
  );
}

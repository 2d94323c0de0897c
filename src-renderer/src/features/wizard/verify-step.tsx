import { Button, Field, Input, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text, tokens } from '@fluentui/react-components';
import { useEffect, useRef } from 'react';
import type { SendEmailEvent } from '../../../../src-preload/contract';
import { Loading } from '../../ui/loading';
import { DiagnosisCard } from '../connection-test/diagnosis-card';
import { PhaseTimeline } from '../connection-test/phase-timeline';
import { timelineOf } from '../connection-test/connection-run';
import { ReceiptProgress } from '../status/receipt-progress';
import { useInvalidateVerification, useSendRun } from '../status/use-verification';
import type { StepProps } from './wizard-labels';
import { ContinueAnyway } from './continue-anyway';
import { continuedPastFailure } from './wizard-state';

/** "Its reply." with a full stop, for the sentences around it. */
function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/u.test(t) ? t : `${t}.`;
}

type SentEvent = Extract<SendEmailEvent, { type: 'sent' }>;

/** How long step 7 looks for the message when the address has a mailbox to read (the Status view offers more). */
const WIZARD_WAIT_SECONDS = 300;

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  form: { display: 'flex', alignItems: 'flex-end', gap: tokens.spacingHorizontalM, flexWrap: 'wrap', maxWidth: '72ch' },
  field: { flexGrow: 1, minWidth: '16rem' },
  mono: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
});

/**
 * Step 7: "Checking your setup", as the platform does it: the verification email (the
 * same message, with the platform's headers, as the Status view's) through the stored
 * credentials, and the server's acceptance. The run is recorded on the address, so the
 * Status view shows it; with a mailbox to read it is also received and proved here.
 */
export function VerifyStep({ state, dispatch, address, platform }: StepProps) {
  const styles = useStyles();
  const { state: run, start, cancel } = useSendRun();
  const invalidate = useInvalidateVerification();
  const sent: SentEvent | null = run.phase === 'idle' ? null : run.sent;
  const result = run.phase === 'done' ? run.result : null;
  const connection = result?.connection ?? null;

  // Tell the wizard once per send, as soon as the server answered (receipt may follow).
  const reported = useRef<SentEvent | null>(null);
  useEffect(() => {
    if (sent === null || reported.current === sent) return;
    reported.current = sent;
    dispatch({ type: 'verify-finished', accepted: sent.accepted, refusal: sent.accepted ? null : sentence(sent.reply ?? 'The server did not take the message.') });
  }, [sent, dispatch]);
  // A run that failed before any answer (the keychain, the server unreachable) is a refusal too.
  const failedMessage = run.phase === 'failed' && run.sent === null ? run.error.message : null;
  useEffect(() => {
    if (failedMessage !== null) dispatch({ type: 'verify-finished', accepted: false, refusal: sentence(failedMessage) });
  }, [failedMessage, dispatch]);
  // The run is on the address now: the Status view and history read it fresh.
  useEffect(() => {
    if (result !== null) void invalidate();
  }, [result, invalidate]);

  if (address === undefined) return <Loading label="Loading the address…" />;
  const running = run.phase === 'running';

  const send = () => {
    const recipient = state.recipient.trim();
    start(address.id, recipient === '' ? undefined : recipient, WIZARD_WAIT_SECONDS, 'wizard');
  };

  return (
    <div className={styles.root}>
      <Text>
        {platform?.name ?? 'The platform'} sends a verification email through your server before it accepts the address. Do the same now: Relayproof sends a real
        message from {address.address} through {address.host} with the secret in the OS keychain, carrying the headers {platform?.shortName ?? 'the platform'} sends,
        so you see the server accept it. The result is saved with the address and shown in the Status view.
      </Text>
      <form
        className={styles.form}
        noValidate
        aria-label="Verification email"
        onSubmit={(event) => {
          event.preventDefault();
          if (!running) send();
        }}
      >
        <Field
          className={styles.field}
          label="Recipient (optional)"
          hint={`Empty: ${address.mailbox !== null && address.mailbox.username.includes('@') ? address.mailbox.username : address.address}. Use a mailbox you can read.`}
          {...(state.errors.recipient === undefined ? {} : { validationState: 'error' as const, validationMessage: state.errors.recipient })}
        >
          <Input value={state.recipient} onChange={(_e, d) => dispatch({ type: 'set-text', field: 'recipient', value: d.value })} inputMode="email" autoComplete="off" spellCheck={false} />
        </Field>
        <Button type="submit" appearance="primary" disabledFocusable={running}>
          {running ? (sent === null ? 'Sending…' : 'Waiting for it…') : run.phase === 'idle' ? 'Send the verification email' : 'Send again'}
        </Button>
        {running ? <Button onClick={cancel}>Cancel</Button> : null}
      </form>
      {state.errors.verify === undefined ? null : (
        // Where a refused Next puts focus when no field is to blame.
        <MessageBar intent="error" data-wizard-error="">
          <MessageBarBody>{state.errors.verify}</MessageBarBody>
        </MessageBar>
      )}
      {run.phase === 'failed' && run.sent === null ? (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>The verification email could not be sent</MessageBarTitle>
            {run.error.message}
            {run.error.hint === undefined ? null : ` ${run.error.hint}`}
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {sent === null ? null : sent.accepted ? (
        <MessageBar intent="success" layout="multiline" data-verify="accepted">
          <MessageBarBody className={styles.mono}>
            <MessageBarTitle>The server accepted the verification email for {sent.recipient}</MessageBarTitle>
            {sent.reply === null ? 'Accepted.' : `Its reply: ${sentence(sent.reply)}`} Message-ID {sent.messageId ?? 'unknown'}
            {connection?.testSend == null ? '.' : `; token ${connection.testSend.token} in the subject.`}
          </MessageBarBody>
        </MessageBar>
      ) : (
        <MessageBar intent="error" layout="multiline" data-verify="refused">
          <MessageBarBody>
            <MessageBarTitle>The verification email was not accepted</MessageBarTitle>
            {sentence(sent.reply ?? 'The server did not take the message.')}
          </MessageBarBody>
        </MessageBar>
      )}
      {sent?.accepted === true && (address.mailbox !== null || run.phase !== 'done') ? <ReceiptProgress state={run} /> : null}
      {result === null || !sent?.accepted ? null : (
        <Text data-verify="recorded">
          {result.proof !== null
            ? `Received and checked: ${result.proof.pass ? 'SPF, DKIM and DMARC pass' : 'SPF, DKIM and DMARC do not all pass'}. The details are in the Status view.`
            : result.awaitingEml
              ? 'Saved with the address. No mailbox is set to read it from: once it arrives, the Status view proves delivery and the headers from the received message (.eml) or a mailbox you add there.'
              : 'Saved with the address; the Status view shows what was found.'}
        </Text>
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
      {connection === null ? null : (
        <PhaseTimeline
          rows={timelineOf({ phase: 'done', operationId: run.phase === 'idle' ? '' : run.operationId, target: { host: address.host, port: address.port, security: address.security, send: true }, started: {}, finished: {}, lastFinished: null, report: connection })}
          caption={`${address.host} port ${address.port}, with the verification email`}
          headingLevel={3}
        />
      )}
      {connection?.diagnosis == null ? null : <DiagnosisCard diagnosis={connection.diagnosis} headingLevel={3} eyebrow="Diagnosis" showsFor={address.platform} host={address.host} />}
    </div>
  );
}

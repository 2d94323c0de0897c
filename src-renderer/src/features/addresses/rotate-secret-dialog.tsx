import {
  Button,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogTitle,
  DialogTrigger,
  Field,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Text,
  tokens,
} from '@fluentui/react-components';
import { KeptDialog } from '../../ui/kept-dialog';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { AddressView } from '../../../../src-preload/contract';
import { ErrorBar } from '../../ui/error-bar';
import { useVisuallyHiddenStyles } from '../../ui/visually-hidden';
import { announcementOf, timelineOf, verdictOf } from '../connection-test/connection-run';
import { DiagnosisCard } from '../connection-test/diagnosis-card';
import { PhaseTimeline } from '../connection-test/phase-timeline';
import { SecretInput } from '../connection-test/secret-input';
import { usePlatformNaming } from '../../api/use-platforms';
import { CopySecretButton } from './copy-secret-button';
import { secretNoun } from './address-status';
import { OneTimeSecret } from './one-time-secret';
import { outcomeOf } from './rotation-run';
import { useRotationRun } from './use-rotation-run';

const useStyles = makeStyles({
  surface: { maxWidth: '52rem', width: 'calc(100vw - 2rem)' },
  form: { display: 'contents' },
  // Inside the dialog's scrolling content, a message must not be squeezed to a sliver.
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, '> *': { flexShrink: 0 } },
  paragraph: { margin: 0 },
  copy: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
});

export interface RotateSecretDialogProps {
  readonly open: boolean;
  readonly address: AddressView;
  readonly onClose: () => void;
  /** A sentence for the page's status line once the new secret replaced the old one. */
  readonly onRotated: (message: string) => void;
}

/** Opened and closed through `open` (see KeptDialog for why it stays mounted). */
export function RotateSecretDialog({ open, address, onClose, onRotated }: RotateSecretDialogProps) {
  const styles = useStyles();
  return (
    <KeptDialog open={open} onClose={onClose} className={styles.surface}>
      <RotateForm address={address} onRotated={onRotated} />
    </KeptDialog>
  );
}

/**
 * Two-phase rotation as the admin sees it: the new secret is tested against the saved
 * server first (the connection test's own timeline and diagnosis), and only a passing
 * test replaces the keychain entry. The secret never enters React state.
 */
function RotateForm({ address, onRotated }: Pick<RotateSecretDialogProps, 'address' | 'onRotated'>) {
  const styles = useStyles();
  const hidden = useVisuallyHiddenStyles();
  const rotation = useRotationRun();
  const platform = usePlatformNaming().shortName(address.platform);
  const secretRef = useRef<HTMLInputElement>(null);
  const [missing, setMissing] = useState(false);
  const outcome = outcomeOf(rotation.state);
  const run = rotation.state.run;
  const report = run.phase === 'done' ? run.report : null;
  const noun = secretNoun(address.authKind);
  const hasOld = address.secret.stored === true;
  const running = outcome.kind === 'testing';

  // Tell the page once, so its status line says it after the dialog is closed.
  const rotatedAt = outcome.kind === 'rotated' ? (outcome.changedAt ?? 'now') : null;
  const onRotatedRef = useRef(onRotated);
  useEffect(() => {
    onRotatedRef.current = onRotated;
  }, [onRotated]);
  useEffect(() => {
    if (rotatedAt === null) return;
    onRotatedRef.current(`The new ${noun} for ${address.address} works and is now the one stored in the OS keychain.`);
  }, [rotatedAt, noun, address.address]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (running) return;
    const input = secretRef.current;
    const typed = input?.value ?? '';
    if (input === null || typed === '') {
      setMissing(true);
      input?.focus();
      return;
    }
    setMissing(false);
    // From the field into a one-call holder; the field is emptied at once.
    const secret = new OneTimeSecret(typed);
    input.value = '';
    rotation.start(address, secret);
  };

  const title = hasOld ? `Rotate credentials for ${address.address}` : `Enter the ${noun} for ${address.address}`;
  const kept = hasOld
    ? `Nothing was changed: the old ${noun} is still stored and in use.`
    : `Nothing was stored: ${address.address} still has no ${noun} in the OS keychain.`;

  return (
    <form onSubmit={submit} noValidate className={styles.form} aria-label={title}>
      <DialogBody>
        <DialogTitle>{title}</DialogTitle>
        <DialogContent className={styles.content}>
          <Text as="p" className={styles.paragraph}>
            Relayproof first signs in with the new {noun} at{' '}
            <span className={styles.mono}>
              {address.host}:{address.port}
            </span>{' '}
            as <span className={styles.mono}>{address.username}</span> and checks it may send as {address.address}.{' '}
            {hasOld
              ? `Only if that passes does it replace the stored ${noun}; if anything fails, the old one stays and keeps working.`
              : `Only if that passes is it stored in the OS keychain.`}
          </Text>
          <Text as="p" className={styles.paragraph}>
            Afterwards, enter the same {noun} in {platform} (edit the address&apos;s outbound credentials there), so the platform and
            this computer use the same one.
          </Text>
          {outcome.kind === 'rotated' ? null : (
            <Field
              label={`New ${noun}`}
              required
              hint="Used for the test and, if it passes, stored in the OS keychain. Cleared from this field once sent."
              {...(missing ? { validationState: 'error' as const, validationMessage: `Type the new ${noun}.` } : {})}
            >
              {(control) => (
                <SecretInput
                  {...control}
                  inputRef={secretRef}
                  // Never disabled: disabling the focused field would drop keyboard focus out of the dialog.
                  disabled={false}
                  onPresence={(present) => {
                    if (present) setMissing(false);
                  }}
                />
              )}
            </Field>
          )}

          <div role="status" aria-live="polite" className={hidden.hidden}>
            {announcementOf(run)}
          </div>

          {outcome.kind === 'rotated' ? (
            <MessageBar intent="success" layout="multiline" data-rotation="rotated">
              <MessageBarBody>
                <MessageBarTitle>{`The new ${noun} works and replaced the old one`}</MessageBarTitle>
                {report === null ? null : verdictOf(report)}
              </MessageBarBody>
            </MessageBar>
          ) : null}
          {outcome.kind === 'rotated' ? (
            <div className={styles.copy} data-rotation="copy">
              <Text as="p" className={styles.paragraph}>
                Now paste the same {noun} into {platform}: copy it from the OS keychain (it is never shown here).
              </Text>
              <CopySecretButton address={address} />
            </div>
          ) : null}
          {outcome.kind === 'kept-old' ? (
            <MessageBar intent="error" layout="multiline" data-rotation="kept-old">
              <MessageBarBody>
                <MessageBarTitle>{kept}</MessageBarTitle>
                {report === null ? null : verdictOf(report)}
              </MessageBarBody>
            </MessageBar>
          ) : null}
          {outcome.kind === 'cancelled' ? (
            <MessageBar intent="info" data-rotation="cancelled">
              <MessageBarBody>{`The test was cancelled. ${kept}`}</MessageBarBody>
            </MessageBar>
          ) : null}
          {outcome.kind === 'error' ? <ErrorBar error={outcome.error} title="The rotation did not run" /> : null}

          {run.phase === 'idle' || run.phase === 'failed' ? null : (
            <PhaseTimeline rows={timelineOf(run)} caption={`${address.host} port ${address.port}, the new ${noun}`} headingLevel={3} />
          )}
          {report?.diagnosis == null ? null : <DiagnosisCard diagnosis={report.diagnosis} headingLevel={3} eyebrow="Diagnosis" />}
        </DialogContent>
        <DialogActions>
          {running ? (
            <Button appearance="secondary" onClick={rotation.cancel}>
              Stop the test
            </Button>
          ) : (
            <DialogTrigger disableButtonEnhancement>
              <Button appearance="secondary">{outcome.kind === 'rotated' ? 'Close' : 'Cancel'}</Button>
            </DialogTrigger>
          )}
          {outcome.kind === 'rotated' ? null : (
            <Button type="submit" appearance="primary" disabledFocusable={running}>
              {running ? 'Testing\u2026' : hasOld ? 'Test and replace' : 'Test and store'}
            </Button>
          )}
        </DialogActions>
      </DialogBody>
    </form>
  );
}

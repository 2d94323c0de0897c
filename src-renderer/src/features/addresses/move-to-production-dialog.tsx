import {
  Badge,
  Button,
  Checkbox,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogTitle,
  DialogTrigger,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Text,
  tokens,
} from '@fluentui/react-components';
import { KeptDialog } from '../../ui/kept-dialog';
import { useState, type ReactNode } from 'react';
import type { AddressView } from '../../../../src-preload/contract';
import { useChannelMutation, useChannelQuery } from '../../api/hooks';
import { ErrorBar } from '../../ui/error-bar';
import { Loading } from '../../ui/loading';
import { useVisuallyHiddenStyles } from '../../ui/visually-hidden';
import { draftFromAddress, requestOf } from '../connection-test/connection-draft';
import { announcementOf, timelineOf, verdictOf } from '../connection-test/connection-run';
import { DiagnosisCard } from '../connection-test/diagnosis-card';
import { PhaseTimeline } from '../connection-test/phase-timeline';
import { useConnectionRun } from '../connection-test/use-connection-run';
import { sentenceStart } from '../../../../src-preload/contract/platform-vocabulary';
import { usePlatformNaming } from '../../api/use-platforms';

const useStyles = makeStyles({
  surface: { maxWidth: '52rem', width: 'calc(100vw - 2rem)' },
  // Inside the dialog's scrolling content, a message must not be squeezed to a sliver.
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, '> *': { flexShrink: 0 } },
  steps: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  step: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalL,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
  },
  stepHeader: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  stepTitle: { margin: 0, fontSize: tokens.fontSizeBase400, lineHeight: tokens.lineHeightBase400, fontWeight: tokens.fontWeightSemibold },
  paragraph: { margin: 0 },
  problems: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
});

export interface MoveToProductionDialogProps {
  readonly open: boolean;
  readonly address: AddressView;
  readonly onClose: () => void;
  readonly onMoved: (message: string) => void;
}

/** Opened and closed through `open` (see KeptDialog for why it stays mounted). */
export function MoveToProductionDialog({ open, address, onClose, onMoved }: MoveToProductionDialogProps) {
  const styles = useStyles();
  return (
    <KeptDialog open={open} onClose={onClose} className={styles.surface}>
      <MoveChecklist address={address} onMoved={onMoved} />
    </KeptDialog>
  );
}

/**
 * Sandbox → production as the platforms want it (Zendesk: never the same address in
 * sandbox and production; delete it from the sandbox before adding it to production),
 * one confirmable step at a time: remove it from the sandbox, switch it here, prove it
 * again.
 */
function MoveChecklist({ address, onMoved }: Pick<MoveToProductionDialogProps, 'address' | 'onMoved'>) {
  const styles = useStyles();
  const hidden = useVisuallyHiddenStyles();
  const platform = usePlatformNaming().shortName(address.platform);
  const Platform = sentenceStart(platform);
  const [removed, setRemoved] = useState(false);
  const [switched, setSwitched] = useState(address.environment === 'production');
  const [verified, setVerified] = useState(false);
  const check = useChannelQuery('addresses:check-new', { address: address.address, platform: address.platform, environment: 'production', excludeId: address.id });
  const update = useChannelMutation('addresses:update', { invalidates: ['addresses:list', 'addresses:events'] });
  const test = useConnectionRun();
  const report = test.state.phase === 'done' ? test.state.report : null;
  const tested = report !== null && report.outcome !== 'fail';
  const blocking = check.data?.errors ?? [];

  const switchHere = () => {
    update.mutate(
      { id: address.id, patch: { environment: 'production' } },
      {
        onSuccess: () => {
          setSwitched(true);
          onMoved(`${address.address} is now a production address in Relayproof. Run its connection test again (step 3).`);
        },
      },
    );
  };

  const runTest = () => {
    const parsed = requestOf(draftFromAddress(address), { kind: 'stored', addressId: address.id });
    if (parsed.ok) test.start(parsed.request, false, undefined);
  };

  return (
    <DialogBody>
      <DialogTitle>Move {address.address} from sandbox to production</DialogTitle>
      <DialogContent className={styles.content}>
        <Text as="p" className={styles.paragraph}>
          {Platform} asks you not to have the same support address in your sandbox and production accounts at once: it may behave inconsistently, for{' '}
          {platform} and for your mail server. Use the sandbox to test, then delete the test addresses there before adding them to production.
        </Text>
        <ol className={styles.steps}>
          <Step number={1} title={`Remove it from the sandbox ${platform} account`} done={removed}>
            <Text as="p" className={styles.paragraph}>
              In the sandbox account, delete (or disable) {address.address} and any test domains you added for it. Do this first: until it is gone there,
              adding it to production connects the same address twice.
            </Text>
            <Checkbox checked={removed} onChange={(_e, d) => setRemoved(d.checked === true)} label={`I removed ${address.address} from the sandbox account`} />
          </Step>

          <Step number={2} title="Switch the environment here" done={switched}>
            <Text as="p" className={styles.paragraph}>
              Relayproof then records {address.address} as a production address. It cannot be both: while another production address with the same email
              is configured here, the switch is refused.
            </Text>
            {check.isPending ? <Loading label="Checking for a production address with the same email…" /> : null}
            {check.error === null ? null : <ErrorBar error={check.error.appError} title="The address could not be checked" />}
            {blocking.length === 0 ? null : (
              <MessageBar intent="error" layout="multiline">
                <MessageBarBody>
                  Not possible yet:
                  <ul className={styles.problems}>
                    {blocking.map((e) => (
                      <li key={e.code}>{e.message}</li>
                    ))}
                  </ul>
                </MessageBarBody>
              </MessageBar>
            )}
            {(check.data?.warnings ?? []).map((w) => (
              <MessageBar key={w.code} intent="warning" layout="multiline">
                <MessageBarBody>{w.message}</MessageBarBody>
              </MessageBar>
            ))}
            {update.error === null ? null : <ErrorBar error={update.error.appError} title="The environment was not changed" />}
            {switched ? (
              <Text as="p" className={styles.paragraph}>
                {address.address} is a production address now.
              </Text>
            ) : (
              <div className={styles.actions}>
                <Button appearance="primary" onClick={switchHere} disabledFocusable={!removed || update.isPending || check.data === undefined || blocking.length > 0}>
                  {update.isPending ? 'Switching\u2026' : 'Switch to production'}
                </Button>
                {removed ? null : <Text className={styles.paragraph}>Confirm step 1 first.</Text>}
              </div>
            )}
          </Step>

          <Step number={3} title="Prove it again" done={tested && verified}>
            <Text as="p" className={styles.paragraph}>
              Run the connection test with the stored secret, then connect the address in the production {platform} account with the same credentials
              and let {platform} send its verification email.
            </Text>
            <div className={styles.actions}>
              <Button onClick={runTest} disabledFocusable={!switched || test.state.phase === 'running'}>
                {test.state.phase === 'running' ? 'Testing\u2026' : report === null ? 'Run the connection test' : 'Run the test again'}
              </Button>
              {test.state.phase === 'running' ? <Button onClick={test.cancel}>Stop the test</Button> : null}
            </div>
            <div role="status" aria-live="polite" className={hidden.hidden}>
              {announcementOf(test.state)}
            </div>
            {report === null ? null : (
              <MessageBar intent={report.outcome === 'fail' ? 'error' : report.outcome === 'warn' ? 'warning' : 'success'} layout="multiline" data-verdict={report.outcome}>
                <MessageBarBody>{verdictOf(report)}</MessageBarBody>
              </MessageBar>
            )}
            {test.state.phase === 'failed' ? <ErrorBar error={test.state.error} title="The test could not run" /> : null}
            {test.state.phase === 'idle' || test.state.phase === 'failed' ? null : (
              <PhaseTimeline rows={timelineOf(test.state)} caption={`${address.host} port ${address.port}, the stored secret`} headingLevel={4} />
            )}
            {report?.diagnosis == null ? null : <DiagnosisCard diagnosis={report.diagnosis} headingLevel={4} eyebrow="Diagnosis" showsFor={address.platform} host={address.host} />}
            <Checkbox
              checked={verified}
              disabled={!tested}
              onChange={(_e, d) => setVerified(d.checked === true)}
              label={`${Platform} production accepted the address and its verification email arrived`}
            />
          </Step>
        </ol>
        {removed && switched && tested && verified ? (
          <MessageBar intent="success">
            <MessageBarBody>{address.address} is in production, proven from here and verified by {platform}.</MessageBarBody>
          </MessageBar>
        ) : null}
      </DialogContent>
      <DialogActions>
        <DialogTrigger disableButtonEnhancement>
          <Button appearance="secondary">Close</Button>
        </DialogTrigger>
      </DialogActions>
    </DialogBody>
  );
}

function Step({ number, title, done, children }: { readonly number: number; readonly title: string; readonly done: boolean; readonly children: ReactNode }) {
  const styles = useStyles();
  return (
    <li className={styles.step} data-step={number} data-done={done ? 'true' : 'false'}>
      <div className={styles.stepHeader}>
        <h3 className={styles.stepTitle}>
          {number}. {title}
        </h3>
        <Badge appearance="tint" color={done ? 'success' : 'informative'}>
          {done ? 'Done' : 'To do'}
        </Badge>
      </div>
      {children}
    </li>
  );
}

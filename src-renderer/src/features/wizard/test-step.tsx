import { useState } from 'react';
import { makeStyles, MessageBar, MessageBarBody, Text, tokens } from '@fluentui/react-components';
import { ContinueAnyway } from './continue-anyway';
import { ConnectionTestPanel } from '../connection-test/connection-test-panel';
import { Loading } from '../../ui/loading';
import type { StepProps } from './wizard-labels';
import { whyTestDoesNotCount } from './wizard-state';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
});

/**
 * Step 4: the connection test panel, sending as this address with the secret the
 * keychain holds. Next needs a pass, or a typed reason to continue anyway.
 */
export function TestStep({ state, dispatch, address }: StepProps) {
  const styles = useStyles();
  // A test that passed but proves nothing about the saved setup (other settings, a typed secret).
  const [notCounted, setNotCounted] = useState<string | null>(null);
  if (address === undefined) return <Loading label="Loading the address…" />;
  return (
    <div className={styles.root}>
      <Text>
        Relayproof signs in to {address.host} as {address.username} with the secret stored in the OS keychain and checks that it may send as {address.address}, the
        way the platform will. Nothing is sent after the send-as check.
      </Text>
      {state.testPassed ? (
        <MessageBar intent="success">
          <MessageBarBody>The connection test of this setup passed. Run it again whenever you like, or press Next.</MessageBarBody>
        </MessageBar>
      ) : null}
      {notCounted === null || state.testPassed ? null : (
        <MessageBar intent="warning" layout="multiline" data-testid="test-not-counted">
          <MessageBarBody>{notCounted}</MessageBarBody>
        </MessageBar>
      )}
      {state.errors.test === undefined ? null : (
        // Where a refused Next puts focus when no field is to blame.
        <MessageBar intent="error" data-wizard-error="">
          <MessageBarBody>{state.errors.test}</MessageBarBody>
        </MessageBar>
      )}
      <ConnectionTestPanel
        key={[address.id, address.address, address.host, address.port, address.security, address.username, address.authKind, address.secret.changedAt ?? ''].join('|')}
        address={address}
        headingLevel={3}
        onReport={(report, run) => {
          const why = whyTestDoesNotCount(report, run.storedSecretOf, address);
          // A failure explains itself in the panel; a pass that does not count says why here.
          setNotCounted(report.outcome === 'fail' ? null : why);
          const serverName = report.capabilities?.serverName ?? null;
          const bannerName = report.banner?.hostname ?? null;
          const heloHost = serverName !== null && serverName !== '' ? { name: serverName, source: 'ehlo' as const } : bannerName !== null && bannerName !== '' ? { name: bannerName, source: 'banner' as const } : null;
          dispatch({ type: 'test-finished', passed: why === null, heloHost });
        }}
      />
      {state.testPassed ? null : (
        <ContinueAnyway
          label="Continue anyway, although the test did not pass"
          checked={state.continueAnyway}
          onCheckedChange={(value) => dispatch({ type: 'set-continue-anyway', value })}
          reason={state.proceedReason}
          onReasonChange={(value) => dispatch({ type: 'set-text', field: 'proceedReason', value })}
          hint="Shown on the address afterwards, for whoever looks at it next. For example: port 587 is blocked on this network; tested from the office."
          error={state.errors.proceedReason}
        />
      )}
    </div>
  );
}

import { Button, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text, tokens } from '@fluentui/react-components';
import { useChannelMutation } from '../../api/hooks';
import { DetailsList } from '../../ui/details-list';
import { ErrorBar } from '../../ui/error-bar';
import { Loading } from '../../ui/loading';
import { authKindLabels, environmentLabels, securityLabels } from '../addresses/address-labels';
import { continuedPastFailure, forwardingTarget, platformShortNames } from './wizard-state';
import { CopyButton } from '../../ui/copy-button';
import type { StepProps } from './wizard-labels';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0, maxWidth: '80ch' },
  value: { display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  mono: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  status: { minHeight: tokens.lineHeightBase300 },
});

/** Step 8: what to paste into the platform; the secret is copied inside main, never shown. */
export function SummaryStep({ state, address, platform }: StepProps) {
  const styles = useStyles();
  const copySecret = useChannelMutation('vault:copy-secret-to-clipboard');
  if (address === undefined) return <Loading label="Loading the address…" />;
  const copyField = (term: string, text: string) => ({
    term,
    value: (
      <span className={styles.value}>
        <span className={styles.mono}>{text}</span>
        <CopyButton text={text} what={term.toLowerCase()} />
      </span>
    ),
  });
  const target = forwardingTarget(platform, address.platformSubdomain ?? '');
  return (
    <div className={styles.root}>
      <Text>
        Enter these in {platformShortNames[address.platform]} ({environmentLabels[address.environment].toLowerCase()}) for {address.address}
        {address.platform === 'zendesk' ? ': Admin Center, Channels, Talk and email, Email, Add address, Connect external address, Email forwarding/Authenticated SMTP Connector.' : '.'}
      </Text>
      <DetailsList
        items={[
          copyField('Host', address.host),
          copyField('Port', String(address.port)),
          { term: 'Security', value: `${securityLabels[address.security]}${address.security === 'starttls' ? ' (StartTLS on)' : ' (SSL socket from the start)'}` },
          copyField('Username', address.username),
          {
            term: authKindLabels[address.authKind],
            value: (
              <span className={styles.value}>
                <span>Stored in the OS keychain, never shown.</span>
                <Button size="small" onClick={() => copySecret.mutate({ addressId: address.id })} disabledFocusable={copySecret.isPending}>
                  {address.authKind === 'password' ? 'Copy password' : `Copy ${authKindLabels[address.authKind].toLowerCase()}`}
                </Button>
              </span>
            ),
          },
          ...(target === null ? [] : [copyField('Forwarding to', target)]),
        ]}
      />
      <Text role="status" aria-live="polite" className={styles.status}>
        {copySecret.data === undefined
          ? ''
          : `Copied. Relayproof clears the clipboard in ${copySecret.data.clearsAfterSeconds} s if it still holds it: paste it into the platform now.`}
      </Text>
      {copySecret.error === null ? null : <ErrorBar error={copySecret.error.appError} title="The password was not copied" />}
      {continuedPastFailure(state) ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>The connection test did not pass</MessageBarTitle>
            Your reason is saved with the address: {state.proceedReason.trim()}
          </MessageBarBody>
        </MessageBar>
      ) : null}
      <Text>Finish saves the address. Its verification continues in the Status view; DNS changes may take a while to be seen everywhere.</Text>
    </div>
  );
}

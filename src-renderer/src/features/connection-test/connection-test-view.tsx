import { makeStyles, MessageBar, MessageBarBody, tokens } from '@fluentui/react-components';
import { useChannelQuery } from '../../api/hooks';
import { useRouteParam } from '../../app/use-hash-route';
import { ErrorBar } from '../../ui/error-bar';
import { Loading } from '../../ui/loading';
import { ViewHeader } from '../../ui/view-header';
import { usePlatformNaming } from '../../api/use-platforms';
import { ConnectionTestPanel } from './connection-test-panel';
import { ExplainBox } from './explain-box';

const useStyles = makeStyles({
  view: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '72rem' },
});

/**
 * `#/connection-test`, or `#/connection-test?address=<id>` from the Test button of a
 * saved address (the form is filled in and the keychain secret is used).
 */
export function ConnectionTestView() {
  const styles = useStyles();
  const platforms = usePlatformNaming();
  const addressId = useRouteParam('address');
  const list = useChannelQuery('addresses:list', {});
  const address = addressId === null ? undefined : list.data?.find((a) => a.id === addressId);
  const waiting = addressId !== null && list.isPending;

  return (
    <>
      <ViewHeader
        title="Connection test"
        description="Prove from this computer that the SMTP server accepts the connector's credentials: every phase from DNS to QUIT, and the reason and the fix when one fails."
      />
      <div className={styles.view}>
        {address === undefined ? null : (
          <MessageBar intent="info">
            <MessageBarBody>
              Testing the saved address {address.address} ({platforms.label(address.platform)}). Changes here are for this test only and are not saved.
            </MessageBarBody>
          </MessageBar>
        )}
        {addressId !== null && list.data !== undefined && address === undefined ? (
          <MessageBar intent="warning">
            <MessageBarBody>The address this test was opened for no longer exists. Enter the server details below.</MessageBarBody>
          </MessageBar>
        ) : null}
        {list.error === null || addressId === null ? null : <ErrorBar error={list.error.appError} title="The saved address could not be loaded" />}
        {waiting ? <Loading label="Loading the address…" /> : <ConnectionTestPanel key={address?.id ?? 'draft'} address={address} />}
        <ExplainBox headingLevel={2} />
      </div>
    </>
  );
}

import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { KeychainState, StoreNotice } from '../../../src-preload/contract';
import { assertNever } from './assert-never';
import { useAppInfo, useChannelMutation } from '../api/hooks';
import { ErrorBar } from '../ui/error-bar';

const useStyles = makeStyles({
  region: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  path: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  line: { display: 'block', marginTop: tokens.spacingVerticalXS },
});

/** Problems that matter on every view: unreachable service, store recovery, keychain. */
export function AppBanners() {
  const styles = useStyles();
  const info = useAppInfo();
  const bars = [];
  if (info.error !== null) {
    bars.push(<ErrorBar key="info" error={info.error.appError} />);
  }
  for (const notice of info.data?.notices ?? []) {
    bars.push(<StoreNoticeBar key={notice.id} notice={notice} />);
  }
  if (info.data !== undefined && info.data.keychain.status !== 'available') {
    bars.push(<KeychainBar key="keychain" keychain={info.data.keychain} />);
  }
  if (bars.length === 0) return null;
  return (
    <section aria-label="Notices" className={styles.region}>
      {bars}
    </section>
  );
}

function StoreNoticeBar({ notice }: { readonly notice: StoreNotice }) {
  const styles = useStyles();
  const dismiss = useChannelMutation('app:dismiss-notice', { invalidates: ['app:get-info'] });
  return (
    <MessageBar intent="warning" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{noticeTitle(notice.kind)}</MessageBarTitle>
        {notice.message}
        <span className={styles.line}>
          {notice.backupPath === null ? (
            'There was no readable file to keep a copy of.'
          ) : (
            <>
              Copy of the previous file: <span className={styles.path}>{notice.backupPath}</span>
            </>
          )}
        </span>
        {dismiss.error === null ? null : <span className={styles.line}>Could not dismiss: {dismiss.error.message}</span>}
      </MessageBarBody>
      <MessageBarActions>
        <Button size="small" disabled={dismiss.isPending} onClick={() => dismiss.mutate({ id: notice.id })}>
          Dismiss
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}

function noticeTitle(kind: StoreNotice['kind']): string {
  switch (kind) {
    case 'corrupt-json':
      return 'The settings file was damaged and has been replaced';
    case 'invalid-content':
      return 'Some saved settings were not valid and have been replaced';
    case 'future-version':
      return 'The settings file was written by a newer Relayproof';
    case 'unreadable':
      return 'The settings file could not be read';
    case 'empty':
      return 'The settings file was empty';
    case 'too-large':
      return 'A stored file was too large to read and has been moved aside';
    case 'symlink':
      return 'A stored file was a link and has been moved aside';
    default:
      return assertNever(kind);
  }
}

function KeychainBar({ keychain }: { readonly keychain: KeychainState }) {
  const styles = useStyles();
  return (
    <MessageBar intent={keychain.status === 'error' ? 'error' : 'warning'} layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>Secrets cannot be stored right now</MessageBarTitle>
        {keychain.message}
        {keychain.fix === undefined ? null : <span className={styles.line}>To fix it: {keychain.fix}</span>}
      </MessageBarBody>
    </MessageBar>
  );
}

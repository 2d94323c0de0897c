import { makeStyles, Text, tokens } from '@fluentui/react-components';
import type { AppInfo, KeychainState } from '../../../../src-preload/contract';
import { useApiClient } from '../../api/api-context';
import { useAppInfo } from '../../api/hooks';
import { assertNever } from '../../app/assert-never';
import { DetailsList } from '../../ui/details-list';
import { ErrorBar } from '../../ui/error-bar';
import { Loading } from '../../ui/loading';
import { ViewHeader } from '../../ui/view-header';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  heading: { margin: 0, fontSize: tokens.fontSizeBase500, lineHeight: tokens.lineHeightBase500, fontWeight: tokens.fontWeightSemibold },
  path: { fontFamily: tokens.fontFamilyMonospace },
});

export function AboutView() {
  const styles = useStyles();
  const info = useAppInfo();
  const { transport } = useApiClient();
  return (
    <>
      <ViewHeader title="About Relayproof" description="Where Relayproof keeps its data and how it stores secrets on this computer." />
      {info.isPending ? <Loading label="Loading…" /> : null}
      {info.error === null ? null : <ErrorBar error={info.error.appError} title="Details could not be loaded" />}
      {info.data === undefined ? null : (
        <>
          <section className={styles.section} aria-labelledby="about-app">
            <h2 id="about-app" className={styles.heading}>
              Application
            </h2>
            <DetailsList
              items={[
                { term: 'Version', value: info.data.version },
                { term: 'Mode', value: modeLabel(info.data.mode) },
                { term: 'Connection', value: transport === 'electron' ? 'Desktop window (IPC)' : 'Browser, through the local bridge on 127.0.0.1' },
                { term: 'Platform', value: info.data.platform },
                { term: 'Data directory', value: <span className={styles.path}>{info.data.dataDirectory}</span> },
                { term: 'Settings file', value: <span className={styles.path}>{info.data.settingsFile}</span> },
              ]}
            />
          </section>
          <section className={styles.section} aria-labelledby="about-keychain">
            <h2 id="about-keychain" className={styles.heading}>
              OS keychain
            </h2>
            <DetailsList
              items={[
                { term: 'Backend', value: info.data.keychain.backend },
                { term: 'Status', value: keychainStatusLabel(info.data.keychain.status) },
                { term: 'Details', value: info.data.keychain.message },
                ...(info.data.keychain.fix === undefined ? [] : [{ term: 'How to fix', value: info.data.keychain.fix }]),
              ]}
            />
            <Text>Secrets are stored only in the OS keychain under the service name “relayproof”, one entry per address.</Text>
          </section>
        </>
      )}
    </>
  );
}

function modeLabel(mode: AppInfo['mode']): string {
  switch (mode) {
    case 'electron':
      return 'Desktop app (electron)';
    case 'browser':
      return 'Browser mode (relayproof serve)';
    case 'cli':
      return 'Command line (cli)';
    default:
      return assertNever(mode);
  }
}

function keychainStatusLabel(status: KeychainState['status']): string {
  switch (status) {
    case 'available':
      return 'Available';
    case 'module-missing':
      return 'Keychain support not installed';
    case 'no-service':
      return 'No keychain service running';
    case 'locked':
      return 'Locked';
    case 'error':
      return 'Error';
    default:
      return assertNever(status);
  }
}

import { FluentProvider, makeStyles, tokens } from '@fluentui/react-components';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { ApiProvider } from '../api/api-context';
import type { ApiClient } from '../api/client';
import { useSettings } from '../api/hooks';
import { Shell } from './shell';
import { useTheme } from './use-theme';

const useStyles = makeStyles({
  provider: {
    minHeight: '100%',
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground1,
  },
});

export interface AppProps {
  readonly client: ApiClient;
  readonly queryClient: QueryClient;
}

export function App({ client, queryClient }: AppProps) {
  return (
    <ApiProvider client={client}>
      <QueryClientProvider client={queryClient}>
        <ThemedShell />
      </QueryClientProvider>
    </ApiProvider>
  );
}

function ThemedShell() {
  const styles = useStyles();
  const settings = useSettings();
  const theme = useTheme(settings.data?.theme);
  return (
    <FluentProvider theme={theme} className={styles.provider}>
      <Shell />
    </FluentProvider>
  );
}

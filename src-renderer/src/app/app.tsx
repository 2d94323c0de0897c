import { FluentProvider } from '@fluentui/react-components';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { ApiProvider } from '../api/api-context';
import type { ApiClient } from '../api/client';
import { useSettings } from '../api/hooks';
import { Shell } from './shell';
import { useTheme } from './use-theme';

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
  const settings = useSettings();
  const theme = useTheme(settings.data?.theme);
  return (
    // No className: Fluent copies the provider's classes onto the portal nodes of
    // dialogs, where a size or background would cover the page behind the dialog.
    <FluentProvider theme={theme}>
      <Shell />
    </FluentProvider>
  );
}

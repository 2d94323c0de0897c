import { FluentProvider } from '@fluentui/react-components';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
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

/** Renders the app into `container` (the entry imports this once the first calls are out). */
export function mountApp(container: HTMLElement, props: AppProps): void {
  createRoot(container).render(
    <StrictMode>
      <App {...props} />
    </StrictMode>,
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

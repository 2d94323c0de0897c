import { createApiClient } from './api/client';
import { prefetchFirstView } from './app/first-view-prefetch';
import { createQueryClient } from './app/query-client';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element.');

const client = createApiClient();
const queryClient = createQueryClient();
// The first view's calls go out now and the app's code (React DOM, Fluent UI, the views)
// loads beside them, its chunks preloaded from index.html, instead of the calls waiting
// until all of it has been compiled, run and rendered once.
prefetchFirstView(queryClient, client.api, window.location.hash);
import('./app/app').then(
  ({ mountApp }) => mountApp(container, { client, queryClient }),
  () => {
    // Its code could not be fetched (browser mode: the server stopped, or was rebuilt under the page).
    container.textContent = 'Relayproof could not load its window. Reload the page; in browser mode, check that relayproof serve is still running.';
  },
);

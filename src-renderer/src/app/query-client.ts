import { QueryClient } from '@tanstack/react-query';

/**
 * A failed Result is an answer, not a flaky network: do not retry it. Data changes
 * only through this window (or the CLI), so refetch on focus keeps it honest.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: true, staleTime: 5_000 },
      mutations: { retry: false },
    },
  });
}

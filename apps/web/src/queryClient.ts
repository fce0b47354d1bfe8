import { QueryClient } from '@tanstack/react-query';

/** One query client for the app: results stay fresh for a minute, since data changes only on ingest. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 60_000, gcTime: 10 * 60_000, refetchOnWindowFocus: false, retry: 1 },
    },
  });
}

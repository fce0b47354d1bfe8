import type { AppRouter } from '@retain/api';
import { API_MAX_BATCH_SIZE, API_REQUEST_HEADERS } from '@retain/schemas';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { createTRPCContext, type TRPCOptionsProxy } from '@trpc/tanstack-react-query';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** The typed query-options factories, for use outside components (route prefetching). */
export type Api = TRPCOptionsProxy<AppRouter>;

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient() {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: '/trpc' }),
        // The header tells the server a call comes from its own pages: it refuses mutations without it.
        false: httpBatchLink({
          url: '/trpc',
          maxURLLength: 4000,
          maxItems: API_MAX_BATCH_SIZE,
          headers: API_REQUEST_HEADERS,
        }),
      }),
    ],
  });
}

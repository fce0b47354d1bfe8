import type { AppRouter } from '@retain/api';
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
        false: httpBatchLink({ url: '/trpc', maxURLLength: 4000 }),
      }),
    ],
  });
}

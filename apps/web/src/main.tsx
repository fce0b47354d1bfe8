import type { AppRouter } from '@retain/api';
import { QueryClientProvider } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { createQueryClient } from './queryClient.ts';
import { startRoute } from './routeLoader.ts';
import { createApiClient, TRPCProvider } from './trpc.ts';
import './styles.css';

// Created once, outside React, so the first route can start downloading its page and its data
// before the first render: on a cold load the two travel in parallel instead of one after the other.
// A call refused for want of a session (it expired, or ended elsewhere) re-asks who is signed in;
// the shell then shows the sign-in page and returns to this page afterwards.
const queryClient = createQueryClient({
  onUnauthorized: () => void queryClient.invalidateQueries(api.auth.me.queryFilter()),
});
const trpcClient = createApiClient();
const api = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
startRoute(api, queryClient, window.location.pathname, new URLSearchParams(window.location.search));

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <App api={api} />
      </TRPCProvider>
    </QueryClientProvider>
  </StrictMode>,
);

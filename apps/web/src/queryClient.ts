import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isAccessError, isUnauthorized } from './data/apiErrors.ts';

export interface QueryClientOptions {
  /**
   * Called when any call fails because nobody is signed in (a session that expired, or was ended
   * elsewhere), so the app can show the sign-in page. Not for signing in itself, whose wrong
   * password is UNAUTHORIZED too.
   */
  onUnauthorized?: () => void;
}

/** The mutation that signs in (tRPC keys it `[['auth', 'login']]`): its failures are the form's to show. */
function isSignIn(mutationKey: readonly unknown[] | undefined): boolean {
  const path = mutationKey?.[0];
  return Array.isArray(path) && path.join('.') === 'auth.login';
}

/**
 * One query client for the app: results stay fresh for a minute, since data changes only on ingest.
 * A failed call is retried once, unless retrying cannot help (not signed in, not allowed, rate limited).
 */
export function createQueryClient(options: QueryClientOptions = {}): QueryClient {
  const signedOut = (error: unknown) => {
    if (isUnauthorized(error)) options.onUnauthorized?.();
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError: signedOut }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        if (!isSignIn(mutation.options.mutationKey)) signedOut(error);
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 60_000,
        gcTime: 10 * 60_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) => failures < 1 && !isAccessError(error),
      },
    },
  });
}

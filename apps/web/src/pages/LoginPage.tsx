import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Brand } from '../components/Brand.tsx';
import { loginErrorMessage } from '../data/auth.ts';
import { useTRPC } from '../trpc.ts';

/**
 * Signing in: a plain form (Enter submits, the browser's password manager fills it). On success
 * every cached result is dropped, since what the dashboard may show depends on who is signed in;
 * the shell then returns to the page the user came from.
 */
export function LoginPage({ returning }: { returning: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const login = useMutation(trpc.auth.login.mutationOptions());
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const passwordInput = useRef<HTMLInputElement>(null);
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Sign in · Retain';
    first.current?.focus();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate(
      { username: username.trim(), password },
      {
        onSuccess: () => void queryClient.resetQueries(),
        onError: () => {
          setPassword('');
          passwordInput.current?.focus();
        },
      },
    );
  };

  return (
    <div className="login-shell">
      <main id="main" className="login card" aria-labelledby="login-title" data-testid="login-page">
        <Brand />
        <h1 id="login-title">Sign in</h1>
        <p className="muted">
          {returning
            ? 'Sign in to return to the page you were on.'
            : 'Sign in with the user name and password your administrator gave you.'}
        </p>
        <form onSubmit={submit} aria-describedby={login.isError ? 'login-error' : undefined}>
          <div className="field">
            <label htmlFor="login-username">User name</label>
            <input
              ref={first}
              id="login-username"
              type="text"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              data-testid="login-username"
            />
          </div>
          <div className="field">
            <label htmlFor="login-password">Password</label>
            <input
              ref={passwordInput}
              id="login-password"
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="login-password"
            />
          </div>
          {login.isError ? (
            <p id="login-error" className="form-error" role="alert" data-testid="login-error">
              {loginErrorMessage(login.error)}
            </p>
          ) : null}
          <button type="submit" className="primary" disabled={login.isPending} data-testid="login-submit">
            {login.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="muted fine-print">
          No account? Ask your administrator: they add people on the Users page.
        </p>
      </main>
    </div>
  );
}

import type { Role } from '@retain/schemas';
import { apiErrorCode, readableErrorMessage } from './apiErrors.ts';

export const LOGIN_PATH = '/login';

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin',
  executive: 'Executive',
  analyst: 'Analyst',
  retention: 'Retention',
};

/**
 * Where to go after signing in: the `next` path if it is a page of this site, else the overview.
 * Only a local path is accepted ("/x", not "//host" or "https://…"), so a crafted link cannot send
 * someone elsewhere after they sign in.
 */
export function safeNext(next: string | null): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  const url = new URL(next, 'http://local');
  if (url.origin !== 'http://local' || url.pathname === LOGIN_PATH) return '/';
  return `${url.pathname}${url.search}`;
}

/** The sign-in page, remembering the page (and its filters) to return to. */
export function loginHref(pathname: string, search: URLSearchParams): string {
  if (pathname === LOGIN_PATH) return `${LOGIN_PATH}${search.size > 0 ? `?${search}` : ''}`;
  const here = `${pathname}${search.size > 0 ? `?${search}` : ''}`;
  return here === '/' ? LOGIN_PATH : `${LOGIN_PATH}?${new URLSearchParams({ next: here })}`;
}

/** What the sign-in form says when signing in fails. */
export function loginErrorMessage(error: unknown): string {
  switch (apiErrorCode(error)) {
    case 'UNAUTHORIZED':
    case 'BAD_REQUEST':
      return 'Wrong user name or password.';
    case 'TOO_MANY_REQUESTS':
      // The server says how long to wait.
      return readableErrorMessage(error);
    case null:
      return 'The server could not be reached. Check your connection and try again.';
    default:
      return readableErrorMessage(error);
  }
}

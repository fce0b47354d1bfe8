/*
 * Reading the errors tRPC calls fail with. A TRPCClientError carries the server's code in
 * `data.code`; these helpers read it by shape, so they work on any error and need no tRPC import.
 */

export type ApiErrorCode =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'TOO_MANY_REQUESTS'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | (string & {});

/** The tRPC error code of a failed call, or null for anything else (a network failure, a bug). */
export function apiErrorCode(error: unknown): ApiErrorCode | null {
  if (typeof error !== 'object' || error === null || !('data' in error)) return null;
  const data = (error as { data: unknown }).data;
  if (typeof data !== 'object' || data === null || !('code' in data)) return null;
  const code = (data as { code: unknown }).code;
  return typeof code === 'string' ? code : null;
}

/** Nobody is signed in, or the session has expired. */
export const isUnauthorized = (error: unknown) => apiErrorCode(error) === 'UNAUTHORIZED';

/** Errors that trying again cannot fix. */
export function isAccessError(error: unknown): boolean {
  const code = apiErrorCode(error);
  return code === 'UNAUTHORIZED' || code === 'FORBIDDEN' || code === 'TOO_MANY_REQUESTS';
}

interface Issue {
  path?: unknown;
  message?: unknown;
}

/**
 * The message to show for an error. Input that fails validation comes back as the zod issues in
 * JSON; those become "password: at least 10 characters".
 */
export function readableErrorMessage(error: unknown): string {
  const message =
    error instanceof Error ? error.message : typeof error === 'string' ? error : 'Unknown error';
  if (!message.startsWith('[')) return message;
  try {
    const issues = JSON.parse(message) as unknown;
    if (!Array.isArray(issues) || issues.length === 0) return message;
    return (issues as Issue[])
      .map((issue) => {
        const field = Array.isArray(issue.path)
          ? issue.path.filter((p) => typeof p === 'string').join('.')
          : '';
        const text = typeof issue.message === 'string' ? issue.message : 'invalid value';
        return field ? `${field}: ${text}` : text;
      })
      .join('; ');
  } catch {
    return message;
  }
}

import type { ReactNode } from 'react';
import { parameterErrorText, parameterProblemOf } from '../data/parameterErrors.ts';

/** Grey blocks where content will be; hidden from screen readers, which hear the status line instead. */
export function Skeleton({
  height = 16,
  width = '100%',
  count = 1,
}: {
  height?: number;
  width?: number | string;
  count?: number;
}) {
  return (
    <>
      {Array.from({ length: count }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: identical placeholders, never reordered
        <span key={i} className="skeleton" style={{ height, width }} aria-hidden="true" />
      ))}
    </>
  );
}

/** A loading placeholder of a given height with a spoken status. */
export function LoadingBlock({ label, height = 240 }: { label: string; height?: number }) {
  return (
    <div className="loading-block" role="status" aria-busy="true" style={{ minHeight: height }}>
      <span className="visually-hidden">{label}</span>
      <Skeleton height={height - 8} />
    </div>
  );
}

/** What to do when there is nothing to show: every empty state says how to get something. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-title">{title}</p>
      {children ? <div className="muted">{children}</div> : null}
    </div>
  );
}

/** The server's own message, and a way to try again. */
export function ErrorState({
  error,
  retry,
  title = 'Something went wrong',
}: {
  error: unknown;
  retry?: () => void;
  title?: string;
}) {
  return (
    <div className="error-state" role="alert">
      <p className="error-title">{title}</p>
      <p className="error-message">{errorMessage(error)}</p>
      {retry ? (
        <button type="button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function errorMessage(error: unknown): string {
  // A setting the data cannot answer comes with its field: worded with the dashboard's labels.
  const problem = parameterProblemOf(error);
  if (problem) return parameterErrorText(problem);
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return 'Unknown error';
}

interface QueryLike<T> {
  data: T | undefined;
  error: unknown;
  isPending: boolean;
  isError: boolean;
  refetch: () => unknown;
}

/**
 * Renders a query's three states the same way everywhere: a skeleton while pending, the server's
 * message on error, an empty state when `isEmpty` says so, else the content.
 */
export function QueryView<T>({
  query,
  label,
  height,
  isEmpty,
  empty,
  children,
}: {
  query: QueryLike<T>;
  label: string;
  height?: number;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isError)
    return (
      <ErrorState error={query.error} retry={() => void query.refetch()} title={`Could not load ${label}`} />
    );
  if (query.isPending || query.data === undefined)
    return <LoadingBlock label={`Loading ${label}…`} height={height} />;
  if (isEmpty?.(query.data)) return <>{empty ?? <EmptyState title={`No ${label} to show`} />}</>;
  return <>{children(query.data)}</>;
}

import { Skeleton } from './states.tsx';

/** Shown while a page's code downloads (usually for a few milliseconds). */
export function PageSkeleton() {
  return (
    <div className="page-skeleton" role="status" aria-busy="true">
      <span className="visually-hidden">Loading the page…</span>
      <Skeleton height={32} width={260} />
      <div className="tiles">
        <Skeleton height={120} count={4} />
      </div>
      <Skeleton height={320} />
    </div>
  );
}

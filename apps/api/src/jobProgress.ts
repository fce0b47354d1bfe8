/**
 * Progress of long-running jobs (a load, a training run) for subscribers that may connect a moment
 * after the job started: the last event is replayed, then every new one, until the job ends.
 */
export class JobProgress<T> {
  private readonly last = new Map<string, { event: T; done: boolean }>();
  private readonly listeners = new Map<string, Set<() => void>>();

  publish(jobId: string, event: T, done = false): void {
    this.last.set(jobId, { event, done });
    for (const wake of this.listeners.get(jobId) ?? []) wake();
    // Finished jobs are remembered briefly for late subscribers, then forgotten.
    if (done) setTimeout(() => this.last.delete(jobId), 60_000).unref();
  }

  async *subscribe(jobId: string, signal?: AbortSignal): AsyncGenerator<T> {
    let seen: { event: T; done: boolean } | undefined;
    while (!signal?.aborted) {
      const current = this.last.get(jobId);
      if (current && current !== seen) {
        seen = current;
        yield current.event;
        if (current.done) return;
      }
      await new Promise<void>((resolve) => {
        const set = this.listeners.get(jobId) ?? new Set();
        const wake = () => {
          set.delete(wake);
          if (set.size === 0) this.listeners.delete(jobId);
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        set.add(wake);
        this.listeners.set(jobId, set);
        signal?.addEventListener('abort', wake);
      });
    }
  }
}

/**
 * Query results keyed by (procedure input, data version): a new ingest bumps the data version, so
 * stale entries are never served and simply age out of the LRU.
 */
export class ResultCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  constructor(private readonly capacity = 500) {}

  async get<T>(key: string, dataVersion: number, compute: () => Promise<T>): Promise<T> {
    const full = `${dataVersion}\u0000${key}`;
    const hit = this.entries.get(full);
    if (hit) {
      // Refresh recency: Map iteration order is insertion order.
      this.entries.delete(full);
      this.entries.set(full, hit);
      return hit as Promise<T>;
    }
    const pending = compute();
    this.entries.set(full, pending);
    pending.catch(() => this.entries.delete(full));
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return pending;
  }

  clear(): void {
    this.entries.clear();
  }
}

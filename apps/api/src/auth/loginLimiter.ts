/**
 * Slows down password guessing: after `maxFailures` failed logins for one address or one user name
 * within the window, further attempts are refused until the window has passed. A success resets
 * the user name's count.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60_000,
  ) {}

  /** Milliseconds until another attempt is allowed, or 0. */
  retryAfter(ip: string, username: string, now = Date.now()): number {
    let wait = 0;
    for (const key of [`ip:${ip}`, `user:${username.toLowerCase()}`]) {
      const recent = this.recent(key, now);
      if (recent.length >= this.maxFailures) wait = Math.max(wait, (recent[0] ?? now) + this.windowMs - now);
    }
    return wait;
  }

  fail(ip: string, username: string, now = Date.now()): void {
    for (const key of [`ip:${ip}`, `user:${username.toLowerCase()}`])
      this.failures.set(key, [...this.recent(key, now), now]);
  }

  succeed(username: string): void {
    this.failures.delete(`user:${username.toLowerCase()}`);
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length === 0) this.failures.delete(key);
    return list;
  }
}

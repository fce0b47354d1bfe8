import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './loginLimiter.ts';

describe('LoginLimiter', () => {
  it('blocks an address or a user name after five failures within the window, then lets go', () => {
    const limiter = new LoginLimiter(5, 60_000);
    for (let i = 0; i < 5; i++) {
      expect(limiter.retryAfter('1.1.1.1', 'ada', 1000 + i)).toBe(0);
      limiter.fail('1.1.1.1', 'ada', 1000 + i);
    }
    expect(limiter.retryAfter('1.1.1.1', 'someone-else', 2000)).toBeGreaterThan(0);
    expect(limiter.retryAfter('2.2.2.2', 'ADA', 2000)).toBeGreaterThan(0);
    expect(limiter.retryAfter('2.2.2.2', 'bob', 2000)).toBe(0);
    expect(limiter.retryAfter('1.1.1.1', 'ada', 61_001)).toBe(0);
  });

  it('forgets a user’s failures after a success', () => {
    const limiter = new LoginLimiter(2, 60_000);
    limiter.fail('1.1.1.1', 'ada', 0);
    limiter.succeed('ada');
    limiter.fail('2.2.2.2', 'ada', 1);
    expect(limiter.retryAfter('3.3.3.3', 'ada', 2)).toBe(0);
  });
});

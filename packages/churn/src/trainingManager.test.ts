import type { Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { describe, expect, it } from 'vitest';
import { ChurnTrainingManager } from './trainingManager.ts';

describe('the training manager', () => {
  it('is built without touching the warehouse, the disk or a worker (the CLI builds one per command)', () => {
    const touched: PropertyKey[] = [];
    const warehouse = new Proxy({} as Warehouse, {
      get: (_target, key) => {
        touched.push(key);
        throw new Error(`the warehouse was read at construction (${String(key)})`);
      },
    });
    const manager = new ChurnTrainingManager(warehouse, { onEvent: () => {}, onModelReady: () => {} });
    expect(manager.current).toBeNull();
    expect(manager.latest).toBeNull();
    expect(touched).toEqual([]);
  });

  it("tells a failed run's watchers the message of bad input, and of anything else only a logged reference", async () => {
    const { dir, cleanup } = tempDir('retain-manager-');
    const empty = await openTestWarehouse(dir);
    try {
      const events: string[] = [];
      const manager = new ChurnTrainingManager(empty, { onEvent: (e) => events.push(e.message) });
      expect(await manager.start().done).toBeNull();
      expect(manager.latest?.phase).toBe('failed');
      expect(manager.latest?.error).toMatch(/holds no purchases/);
    } finally {
      empty.close();
      cleanup();
    }

    const broken = new Proxy({} as Warehouse, {
      get: () => {
        throw new Error('IO Error: could not open /srv/secret/retain.duckdb.wal');
      },
    });
    const logged: Array<[string, unknown]> = [];
    const manager = new ChurnTrainingManager(broken, { logFailure: (ref, e) => logged.push([ref, e]) });
    expect(await manager.start().done).toBeNull();
    const error = manager.latest?.error ?? '';
    expect(error).not.toMatch(/secret|IO Error/);
    expect(logged).toHaveLength(1);
    expect(error).toContain(`ref ${logged[0]?.[0]}`);
    expect(String(logged[0]?.[1])).toMatch(/secret/);
  });
});

import type { Warehouse } from '@retain/warehouse';
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
});

import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sql } from '../query/sql.ts';
import { openTestWarehouse, tempDir } from '../testing/fixtures.ts';
import { defaultMemoryLimit, secureForConsole } from './secureForConsole.ts';

const MiB = 2 ** 20;

async function memoryLimitAfterSecuring(memoryLimit?: string): Promise<number> {
  const { dir, cleanup } = tempDir('retain-secure-');
  const warehouse = await openTestWarehouse(dir);
  try {
    await secureForConsole(warehouse, memoryLimit === undefined ? {} : { memoryLimit });
    const limit = await warehouse.scalar(
      sql`SELECT value FROM duckdb_settings() WHERE name = 'memory_limit'`,
      z.string(),
    );
    // DuckDB reports e.g. "11.7 GiB" or "488.2 MiB".
    const [, amount, unit] = /^([\d.]+) (KiB|MiB|GiB)$/.exec(String(limit)) ?? [];
    const scale = { KiB: 2 ** 10, MiB, GiB: 2 ** 30 }[unit as 'KiB' | 'MiB' | 'GiB'];
    return Number(amount) * scale;
  } finally {
    warehouse.close();
    cleanup();
  }
}

describe('the console memory limit', () => {
  it('is half the machine’s memory unless RETAIN_MEMORY_LIMIT says otherwise', () => {
    expect(defaultMemoryLimit()).toBe(`${Math.floor(os.totalmem() / 2 / MiB)}MB`);
    expect(defaultMemoryLimit(' 3GB ')).toBe('3GB');
  });

  it('is applied to DuckDB when the warehouse is secured, by default too', async () => {
    const half = os.totalmem() / 2;
    expect(Math.abs((await memoryLimitAfterSecuring()) - half) / half).toBeLessThan(0.1);
    expect(await memoryLimitAfterSecuring('500MB')).toBeCloseTo(500 * 1e6, -7);
  });

  it('refuses a limit DuckDB cannot read, naming the setting', async () => {
    await expect(memoryLimitAfterSecuring('lots')).rejects.toThrow(
      /memory limit "lots" \(RETAIN_MEMORY_LIMIT\)/,
    );
  });
});

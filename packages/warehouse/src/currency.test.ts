import { describe, expect, it } from 'vitest';
import { storeCurrency } from './currency.ts';
import { warehouseInfo } from './info.ts';
import { openTestWarehouse, tempDir } from './testing/fixtures.ts';

describe('currency', () => {
  it('is the default until the data or a setting says otherwise; the setting wins', async () => {
    const { dir, cleanup } = tempDir();
    const warehouse = await openTestWarehouse(dir);
    try {
      expect((await warehouseInfo(warehouse)).currency).toEqual({ code: 'USD', source: 'default' });
      await storeCurrency(warehouse, 'EUR');
      expect((await warehouseInfo(warehouse)).currency).toEqual({ code: 'EUR', source: 'data' });
      expect((await warehouseInfo(warehouse, { currency: 'GBP' })).currency).toEqual({
        code: 'GBP',
        source: 'setting',
      });
    } finally {
      warehouse.close();
      cleanup();
    }
  });

  it('stores only ISO 4217 codes', async () => {
    const { dir, cleanup } = tempDir();
    const warehouse = await openTestWarehouse(dir);
    try {
      for (const bad of ['eur', 'EURO', 'E1R', 'XYZ', ''])
        await expect(storeCurrency(warehouse, bad), bad).rejects.toThrow(/ISO 4217/);
      expect((await warehouseInfo(warehouse)).currency.source).toBe('default');
    } finally {
      warehouse.close();
      cleanup();
    }
  });
});

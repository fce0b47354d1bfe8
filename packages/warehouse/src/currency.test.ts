import { describe, expect, it } from 'vitest';
import { storeCurrency } from './currency.ts';
import { BadInputError } from './errors.ts';
import { warehouseInfo } from './info.ts';
import { ingest } from './ingest/ingest.ts';
import { readMappingFile } from './ingest/mappingFile.ts';
import { openTestWarehouse, tempDir, writeFile } from './testing/fixtures.ts';

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

  it('is stored by a load whose mapping names it, and a load that only changes it is a change', async () => {
    const { dir, cleanup } = tempDir();
    const warehouse = await openTestWarehouse(dir);
    try {
      writeFile(dir, 'p.csv', 'order_id,customer_id,order_date,amount\nO1,C1,2024-01-01,10\n');
      const mapping = (currency: string) =>
        writeFile(dir, 'mapping.json', JSON.stringify({ currency, purchases: { file: 'p.csv' } }));
      const first = await ingest(warehouse, readMappingFile(mapping('EUR')));
      expect((await warehouseInfo(warehouse)).currency).toEqual({ code: 'EUR', source: 'data' });
      const same = await ingest(warehouse, readMappingFile(mapping('EUR')));
      expect(same.dataVersion).toBe(first.dataVersion);
      const changed = await ingest(warehouse, readMappingFile(mapping('GBP')));
      expect(changed.dataVersion).toBe(first.dataVersion + 1);
      expect((await warehouseInfo(warehouse)).currency.code).toBe('GBP');
    } finally {
      warehouse.close();
      cleanup();
    }
  });

  it('refuses a load naming an unknown currency, or two, and stores nothing', async () => {
    const { dir, cleanup } = tempDir();
    const warehouse = await openTestWarehouse(dir);
    try {
      const file = writeFile(dir, 'p.csv', 'order_id,customer_id,order_date,amount\nO1,C1,2024-01-01,10\n');
      const bad = writeFile(
        dir,
        'bad.json',
        JSON.stringify({ currency: 'EURO', purchases: { file: 'p.csv' } }),
      );
      expect(() => readMappingFile(bad)).toThrow(/currency: not an ISO 4217/);
      const two = ingest(warehouse, [
        { section: 'purchases', file, currency: 'EUR' },
        { section: 'customers', file: writeFile(dir, 'c.csv', 'customer_id\nC1\n'), currency: 'USD' },
      ]);
      await expect(two).rejects.toBeInstanceOf(BadInputError);
      await expect(two).rejects.toThrow(/two currencies \(EUR, USD\)/);
      const unknown = ingest(warehouse, [{ section: 'purchases', file, currency: 'XYZ' }]);
      await expect(unknown).rejects.toThrow(/"XYZ" is not an ISO 4217 code/);
      expect((await warehouseInfo(warehouse)).currency.source).toBe('default');
      expect((await warehouseInfo(warehouse)).dataVersion).toBe(0);
    } finally {
      warehouse.close();
      cleanup();
    }
  });
});

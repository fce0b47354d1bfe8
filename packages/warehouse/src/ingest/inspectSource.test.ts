import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestWarehouse, tempDir, writeFile } from '../testing/fixtures.ts';
import type { Warehouse } from '../Warehouse.ts';
import { inspectSource } from './inspectSource.ts';

const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../shared');

describe('inspectSource', () => {
  let warehouse: Warehouse;
  let dir: string;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    warehouse = await openTestWarehouse(dir);
  });
  afterAll(() => {
    warehouse.close();
    cleanup();
  });

  it('proposes the mapping, the day-first date format and the decimal comma of an ERP export', async () => {
    const file = writeFile(
      dir,
      'bestellungen.csv',
      'Invoice;Customer ID;InvoiceDate;Revenue\n1;C1;05/01/2024 09:30;12,50\n2;C2;31/01/2024 23:59;7,00\n',
    );
    const found = await inspectSource(warehouse, file);
    expect(found).toMatchObject({
      name: 'bestellungen.csv',
      format: 'csv',
      delimiter: ';',
      headers: ['Invoice', 'Customer ID', 'InvoiceDate', 'Revenue'],
      sample: [
        ['1', 'C1', '05/01/2024 09:30', '12,50'],
        ['2', 'C2', '31/01/2024 23:59', '7,00'],
      ],
      proposal: { section: 'purchases', dateFormat: '%d/%m/%Y %H:%M', decimalSeparator: ',', confidence: 1 },
    });
  });

  it('warns when day and month cannot be told apart', async () => {
    const file = writeFile(
      dir,
      'tickets.csv',
      'Ticket,Customer,Opened\nT1,C1,01/02/2024\nT2,C2,03/04/2024\n',
    );
    const found = await inspectSource(warehouse, file);
    expect(found.proposal.dateFormat).toBe('%d/%m/%Y');
    expect(found.notes.join(' ')).toContain('%m/%d/%Y');
  });

  it('needs no date format for ISO dates', async () => {
    const file = writeFile(
      dir,
      'returns.csv',
      'return_id,customer_id,returned_at,amount\nR1,C1,2024-01-05,3.5\n',
    );
    const found = await inspectSource(warehouse, file);
    expect(found.proposal).toMatchObject({ section: 'returns', dateFormat: null, decimalSeparator: '.' });
  });

  it.skipIf(!fs.existsSync(SHARED))('reads the contract sample export', async () => {
    const found = await inspectSource(warehouse, path.join(SHARED, 'contract/sample/customers.csv'));
    expect(found.proposal).toMatchObject({ section: 'customers', dateFormat: '%d/%m/%Y' });
    expect(found.proposal.columns.contact_consent).toBe('May Call');
  });
});

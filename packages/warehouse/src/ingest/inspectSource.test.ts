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

  it('offers day first and month first, choosing neither, when no day is after the 12th', async () => {
    const file = writeFile(
      dir,
      'tickets.csv',
      'Ticket,Customer,Opened\nT1,C1,01/02/2024\nT2,C2,03/04/2024\n',
    );
    const found = await inspectSource(warehouse, file);
    expect(found.proposal).toMatchObject({
      dateFormat: null,
      dateFormatChoices: ['%d/%m/%Y', '%m/%d/%Y'],
    });
    expect(found.notes).toContain(
      '“01/02/2024” can be day first or month first, and no date in the first rows has a day after the 12th: choose the date format.',
    );
  });

  it('decides day first or month first from a day after the 12th', async () => {
    const dayFirst = writeFile(
      dir,
      'd.csv',
      'Ticket,Customer,Opened\nT1,C1,01/02/2024 10:15\nT2,C2,25/04/2024 09:00\n',
    );
    expect((await inspectSource(warehouse, dayFirst)).proposal).toMatchObject({
      dateFormat: '%d/%m/%Y %H:%M',
      dateFormatChoices: [],
    });
    const monthFirst = writeFile(
      dir,
      'm.csv',
      'Ticket,Customer,Opened\nT1,C1,01/02/2024\nT2,C2,04/25/2024\n',
    );
    expect((await inspectSource(warehouse, monthFirst)).proposal).toMatchObject({
      dateFormat: '%m/%d/%Y',
      dateFormatChoices: [],
    });
    const dashes = writeFile(dir, 'dash.csv', 'Ticket,Customer,Opened\nT1,C1,04-25-2024\n');
    expect((await inspectSource(warehouse, dashes)).proposal.dateFormat).toBe('%m-%d-%Y');
  });

  it('proposes the format most dates fit, and says how many do not', async () => {
    const file = writeFile(
      dir,
      'april.csv',
      'Ticket,Customer,Opened\nT1,C1,25/04/2025 10:15\nT2,C2,31/04/2025 18:40\nT3,C3,26/04/2025 09:05\n',
    );
    const found = await inspectSource(warehouse, file);
    expect(found.proposal).toMatchObject({ dateFormat: '%d/%m/%Y %H:%M', dateFormatChoices: [] });
    expect(found.notes).toContain(
      '1 of the first 3 dates do not fit %d/%m/%Y %H:%M; the load will list them.',
    );
  });

  it('proposes a German export: headers, day-first dates, decimal comma and "." between thousands', async () => {
    const file = writeFile(
      dir,
      'Umsätze.csv',
      [
        'Rechnungsnummer;Kundennummer;Rechnungsdatum;Betrag;Menge;Artikel',
        'R-1;K-100;03/01/2025 10:15;1.234,50;1;Tisch',
        'R-2;K-101;25/01/2025 18:40;12,00;3;Stuhl',
        'R-3;K-100;04/02/2025 09:05;1.000.000,00;2;Lampe',
      ].join('\n'),
    );
    const found = await inspectSource(warehouse, file);
    expect(found.proposal).toMatchObject({
      section: 'purchases',
      columns: {
        order_id: 'Rechnungsnummer',
        customer_id: 'Kundennummer',
        order_date: 'Rechnungsdatum',
        amount: 'Betrag',
        quantity: 'Menge',
        product: 'Artikel',
      },
      dateFormat: '%d/%m/%Y %H:%M',
      decimalSeparator: ',',
      thousandsSeparator: '.',
      numberFormatChoices: [],
      confidence: 1,
    });
    expect(found.notes).toEqual([]);
  });

  it.each([
    ['1 234,50', ',', ' '],
    ["1'234.50", '.', "'"],
    ['1,234.00', '.', ','],
    ['12,50', ',', null],
    ['12.50', '.', null],
    ['12', '.', null],
  ])('proposes the separators of %s', async (amount, decimalSeparator, thousandsSeparator) => {
    const file = writeFile(
      dir,
      'sep.csv',
      `order_id;customer_id;order_date;amount\nO1;C1;2024-01-01;${amount}\nO2;C1;2024-01-02;7\n`,
    );
    expect((await inspectSource(warehouse, file)).proposal).toMatchObject({
      decimalSeparator,
      thousandsSeparator,
      numberFormatChoices: [],
    });
  });

  it('offers both readings of amounts such as 1.234, choosing neither', async () => {
    const file = writeFile(
      dir,
      'amb.csv',
      'order_id;customer_id;order_date;amount\nO1;C1;2024-01-01;1.234\nO2;C1;2024-01-02;12.500\n',
    );
    const found = await inspectSource(warehouse, file);
    expect(found.proposal.numberFormatChoices).toEqual([
      { decimalSeparator: '.', thousandsSeparator: null },
      { decimalSeparator: ',', thousandsSeparator: '.' },
    ]);
    expect(found.notes.join(' ')).toContain('choose the decimal and thousands separators');
  });

  it('maps a file with meaningless headers from its values', async () => {
    const rows = Array.from(
      { length: 30 },
      (_, i) =>
        `${5000 + i};K${100 + (i % 7)};${String((i % 28) + 1).padStart(2, '0')}.03.2025;${(i * 3.5 + 10).toFixed(2).replace('.', ',')}`,
    );
    const file = writeFile(dir, 'export.csv', ['A;B;C;D', ...rows].join('\n'));
    const found = await inspectSource(warehouse, file);
    expect(found.proposal).toMatchObject({
      section: 'purchases',
      columns: { order_id: 'A', customer_id: 'B', order_date: 'C', amount: 'D' },
      dateFormat: '%d.%m.%Y',
      decimalSeparator: ',',
    });
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

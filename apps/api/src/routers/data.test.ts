import { API_REQUEST_HEADERS } from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../server.ts';
import { callerFor } from '../testing/callerFor.ts';
import { ownPageHeaders } from '../testing/http.ts';

describe('data router: upload, inspect, load', () => {
  let warehouse: Warehouse;
  let server: RunningServer;
  let cleanup: () => void;
  let caller: ReturnType<typeof callerFor>;

  beforeAll(async () => {
    const tmp = tempDir('retain-api-');
    cleanup = tmp.cleanup;
    warehouse = await openTestWarehouse(tmp.dir);
    server = await startServer({ warehouse, port: 0, host: '127.0.0.1', authRequired: false });
    caller = callerFor(warehouse);
  });
  afterAll(async () => {
    await server.close();
    warehouse.close();
    cleanup();
  });

  async function upload(name: string, body: string) {
    const res = await fetch(`${server.url}/upload?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: API_REQUEST_HEADERS,
      body,
    });
    return { status: res.status, body: (await res.json()) as { uploadId: string; error?: string } };
  }

  it('proposes a mapping for an uploaded ERP export and loads it', async () => {
    const { status, body } = await upload(
      'orders.csv',
      'Invoice;Customer ID;InvoiceDate;Revenue\n1;C1;05/01/2024 09:30;12,50\n2;C2;31/01/2024 23:59;7,00\n',
    );
    expect(status).toBe(201);
    const inspection = await caller.data.inspect({ uploadId: body.uploadId });
    expect(inspection.proposal).toMatchObject({
      section: 'purchases',
      dateFormat: '%d/%m/%Y %H:%M',
      decimalSeparator: ',',
    });
    const summary = await caller.data.ingest({
      jobId: 'job-00000001',
      files: [
        {
          uploadId: body.uploadId,
          section: inspection.proposal.section,
          columns: inspection.proposal.columns,
          dateFormat: inspection.proposal.dateFormat,
          decimalSeparator: inspection.proposal.decimalSeparator,
        },
      ],
    });
    expect(summary.purchases).toMatchObject({ rows: 2, inserted: 2 });
    expect((await caller.info.get()).purchases.rows).toBe(2);
    // Loaded uploads are removed.
    await expect(caller.data.inspect({ uploadId: body.uploadId })).rejects.toThrow(/upload is gone/);
  });

  it('reports a bad date with its line number as a BAD_REQUEST carrying the issues', async () => {
    const { body } = await upload(
      'more.csv',
      'order_id,customer_id,order_date,amount\nO1,C1,2024-01-01,1\nO2,C1,2024-02-30,1\n',
    );
    const error = await caller.data
      .ingest({
        jobId: 'job-00000002',
        files: [
          {
            uploadId: body.uploadId,
            section: 'purchases',
            columns: {
              order_id: 'order_id',
              customer_id: 'customer_id',
              order_date: 'order_date',
              amount: 'amount',
            },
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    expect((error as TRPCError).cause).toMatchObject({
      issues: [expect.objectContaining({ line: 3, column: 'order_date', value: '2024-02-30' })],
    });
    expect((await caller.info.get()).purchases.rows).toBe(2);
  });

  it('proposes and loads a German export with "." between thousands, naming the file as uploaded', async () => {
    const { body } = await upload(
      'Umsätze März.csv',
      [
        'Rechnungsnummer;Kundennummer;Rechnungsdatum;Betrag',
        'DE-1;K1;03/01/2025 10:15;1.234,50',
        'DE-2;K2;25/01/2025 18:40;12,00',
      ].join('\n'),
    );
    const inspection = await caller.data.inspect({ uploadId: body.uploadId });
    expect(inspection.name).toBe('Umsätze März.csv');
    expect(inspection.proposal).toMatchObject({
      section: 'purchases',
      columns: {
        order_id: 'Rechnungsnummer',
        customer_id: 'Kundennummer',
        order_date: 'Rechnungsdatum',
        amount: 'Betrag',
      },
      dateFormat: '%d/%m/%Y %H:%M',
      decimalSeparator: ',',
      thousandsSeparator: '.',
    });
    const { proposal } = inspection;
    const summary = await caller.data.ingest({
      jobId: 'job-00000004',
      files: [
        {
          uploadId: body.uploadId,
          section: proposal.section,
          columns: proposal.columns,
          dateFormat: proposal.dateFormat,
          decimalSeparator: proposal.decimalSeparator,
          thousandsSeparator: proposal.thousandsSeparator,
        },
      ],
    });
    expect(summary.purchases).toMatchObject({ rows: 2, inserted: 2, files: ['Umsätze März.csv'] });
  });

  it('hands a refused load to the page as codes, settings and the file’s own name, never a server path', async () => {
    const { body } = await upload(
      'bestellungen.csv',
      'Beleg;Kunde;Datum;Betrag\nB1;K1;03/01/2025 10:15;1.234,50\nB2;;2025-01-04;7\n',
    );
    const columns = { order_id: 'Beleg', customer_id: 'Kunde', order_date: 'Datum', amount: 'Betrag' };
    const res = await fetch(`${server.url}/trpc/data.ingest`, {
      method: 'POST',
      headers: ownPageHeaders(server.url),
      body: JSON.stringify({
        jobId: 'job-00000005',
        files: [{ uploadId: body.uploadId, section: 'purchases', columns, decimalSeparator: ',' }],
      }),
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).not.toContain(server.services.uploads.root);
    expect(text).not.toContain(body.uploadId);
    const { error } = JSON.parse(text) as {
      error: { data: { load: unknown; issues: Array<Record<string, unknown>> } };
    };
    expect(error.data.load).toEqual({
      code: 'problems',
      field: null,
      section: null,
      file: null,
      params: {},
      total: 3,
    });
    expect(error.data.issues.map((i) => [i.file, i.line, i.column, i.code, i.field])).toEqual([
      ['bestellungen.csv', 2, 'Datum', 'date', 'dateFormat'],
      ['bestellungen.csv', 2, 'Betrag', 'number', 'decimalSeparator'],
      ['bestellungen.csv', 3, 'Kunde', 'required', 'skipRowsWithoutCustomer'],
    ]);
    // The reason says what is wrong; where to change a setting is for the page to say.
    for (const issue of error.data.issues) expect(String(issue.reason)).not.toMatch(/mapping|--/);
  });

  it('refuses files that are not exports', async () => {
    const { status, body } = await upload('notes.exe', 'MZ');
    expect(status).toBe(400);
    expect(body.error).toContain('not a CSV');
  });

  it('streams load progress to a subscriber until the load ends', async () => {
    const { body } = await upload('p.csv', 'order_id,customer_id,order_date,amount\nO9,C9,2024-03-01,4\n');
    const events: string[] = [];
    const subscription = (async () => {
      for await (const event of await caller.data.progress({ jobId: 'job-00000003' }))
        events.push(event.step);
    })();
    await caller.data.ingest({
      jobId: 'job-00000003',
      files: [
        {
          uploadId: body.uploadId,
          section: 'purchases',
          columns: {
            order_id: 'order_id',
            customer_id: 'customer_id',
            order_date: 'order_date',
            amount: 'amount',
          },
        },
      ],
    });
    await subscription;
    expect(events.at(-1)).toBe('done');
  });
});

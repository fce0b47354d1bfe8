import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { listAudit } from '@retain/access';
import { NoScoresError } from '@retain/outreach';
import { openCallListFixture } from '@retain/outreach/testing';
import { sql, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exportCallListFile, exportMemoryMb, streamCallList } from './callListExport.ts';
import { exportSettingsSql } from './sql/exportSettings.ts';

describe('exportMemoryMb', () => {
  it('gives 112 MB up to a million customers and 48 MB more for each further million', () => {
    expect(exportMemoryMb(0)).toBe(112);
    expect(exportMemoryMb(1_000_000)).toBe(112);
    expect(exportMemoryMb(1_000_001)).toBe(160);
    expect(exportMemoryMb(3_500_000)).toBe(256);
  });

  it('is written into DuckDB settings only as a whole number of megabytes', () => {
    expect(exportSettingsSql(112).parts.join('')).toContain("SET memory_limit = '112MB'");
    expect(() => exportSettingsSql(1.5)).toThrow(RangeError);
  });
});

describe('call-list exports on the hand fixture', () => {
  let warehouse: Warehouse;
  let dir: string;
  let close: () => void;
  beforeAll(async () => {
    ({ warehouse, dir, close } = await openCallListFixture());
  });
  afterAll(() => close());

  const exports = () => listAudit(warehouse, { action: 'export' });

  it('writes the file under a tuned memory limit and audits it with the requester', async () => {
    const file = path.join(dir, 'calls.csv');
    const result = await exportCallListFile(warehouse, { top: 3 }, file, {
      requester: { username: null, via: 'cli', detail: { osUser: 'ada' } },
    });
    expect(result).toMatchObject({ rows: 3, path: file });
    expect(fs.readFileSync(file, 'utf8').trim().split('\r\n')).toHaveLength(4);
    const setting = await warehouse.scalar(
      sql`SELECT value FROM duckdb_settings() WHERE name = 'memory_limit'`,
      z.string(),
    );
    expect(setting).toMatch(/^10[0-9](\.\d)? MiB$/); // 112 MB as DuckDB writes it
    const [entry] = await exports();
    expect(entry?.detail).toMatchObject({ via: 'cli', osUser: 'ada', filters: { top: 3 }, rows: 3, file });
  });

  it('streams the list and audits it with the detail given', async () => {
    let text = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk);
        done();
      },
    });
    const result = await streamCallList(warehouse, { top: 2 }, sink, {
      requester: { username: 'ada', via: 'api' },
      detail: { complete: true },
    });
    expect(result.rows).toBe(2);
    expect(text.trim().split('\r\n')).toHaveLength(3);
    const [entry] = await exports();
    expect(entry).toMatchObject({ username: 'ada', detail: { via: 'api', rows: 2, complete: true } });
  });

  it('audits a list cut short when asked, with the rows sent', async () => {
    const broken = new Writable({
      write(_chunk, _encoding, done) {
        done(new Error('the browser went away'));
      },
    });
    const before = (await exports()).length;
    await expect(
      streamCallList(warehouse, {}, broken, {
        requester: { username: 'ada', via: 'api' },
        auditIncomplete: true,
      }),
    ).rejects.toThrow();
    const entries = await exports();
    expect(entries).toHaveLength(before + 1);
    expect(entries[0]?.detail).toMatchObject({ via: 'api', export: 'call-list', complete: false, rows: 0 });
  });
});

describe('without scores', () => {
  it('refuses the export before writing anything', async () => {
    const { dir, cleanup } = tempDir('retain-export-no-scores-');
    const warehouse = await openTestWarehouse(dir);
    try {
      const file = path.join(dir, 'calls.csv');
      await expect(
        exportCallListFile(warehouse, {}, file, { requester: { username: null, via: 'cli' } }),
      ).rejects.toBeInstanceOf(NoScoresError);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('calls.csv'))).toEqual([]);
    } finally {
      warehouse.close();
      cleanup();
    }
  });
});

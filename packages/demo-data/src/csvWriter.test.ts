import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvWriter, csvField } from './csvWriter.ts';

describe('csvField', () => {
  it('quotes only fields that need it, doubling inner quotes', () => {
    expect(csvField('Björn Müller')).toBe('Björn Müller');
    expect(csvField("O'Brien")).toBe("O'Brien");
    expect(csvField('Müller, Björn')).toBe('"Müller, Björn"');
    expect(csvField('Robert "Bob" Smith')).toBe('"Robert ""Bob"" Smith"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });
});

describe('CsvWriter', () => {
  it('writes the header and rows in order across many chunks, UTF-8 encoded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'retain-csv-'));
    try {
      const path = join(dir, 'rows.csv');
      // A tiny chunk size forces many hand-overs and the oversized-row path.
      const writer = new CsvWriter(path, ['id', 'name'], 64);
      const expected = ['id,name'];
      for (let i = 0; i < 5000; i++) {
        const row = `${i},${csvField(i % 3 === 0 ? `Zoë Ångström, ${i}` : `José ${i}`)}`;
        writer.write(`${row}\n`);
        expected.push(row);
        if (i % 100 === 0) await writer.flush();
      }
      await writer.close();
      await writer.close();
      expect(await readFile(path, 'utf8')).toBe(`${expected.join('\n')}\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a file that cannot be written', async () => {
    const writer = new CsvWriter(join(tmpdir(), 'no-such-dir-retain', 'x', 'rows.csv'), ['id']);
    await expect(writer.close()).rejects.toThrow(/ENOENT/);
  });
});

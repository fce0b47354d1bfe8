import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { IngestIssue } from '@retain/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../errors.ts';
import { openTestWarehouse, snapshot, tempDir, writeFile } from '../testing/fixtures.ts';
import type { Warehouse } from '../Warehouse.ts';
import { ingest } from './ingest.ts';
import { inspectSource } from './inspectSource.ts';
import { mappingToRequests, readMappingFile } from './mappingFile.ts';
import type { SectionRequest } from './plan.ts';

/*
 * Hostile input: every malformed file, value or mapping is refused as BadInputError (the CLI's
 * exit 2), names the file, the line where there is one and the field where there is one, says
 * nothing of DuckDB or its SQL, and leaves the warehouse exactly as it was.
 */

let dir: string;
let cleanup: () => void;
let warehouse: Warehouse;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  warehouse = await openTestWarehouse(dir);
  const seed = writeFile(dir, 'seed.csv', 'order_id,customer_id,order_date,amount\nS1,C1,2024-01-01,5\n');
  await ingest(warehouse, [{ section: 'purchases', file: seed }]);
});
afterAll(() => {
  warehouse.close();
  cleanup();
});

/** Words that only DuckDB or our SQL would use: none may reach a user. */
const INTERNALS =
  /SELECT |read_csv|read_json|LINE \d|\^|Error:|Original Line|Binder|Conversion Error|Invalid Input/;

function expectUserFacing(error: BadInputError): void {
  expect(error.message).not.toMatch(INTERNALS);
  for (const issue of error.issues) expect(issue.reason).not.toMatch(INTERNALS);
}

async function rejection(requests: SectionRequest[]): Promise<BadInputError> {
  const before = await snapshot(warehouse);
  const error = await ingest(warehouse, requests).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BadInputError);
  expect(await snapshot(warehouse)).toEqual(before);
  expectUserFacing(error as BadInputError);
  return error as BadInputError;
}

/** The one issue of a refused load. */
async function issueOf(requests: SectionRequest[]): Promise<IngestIssue> {
  const error = await rejection(requests);
  expect(error.issues).toHaveLength(1);
  expect(error.message).toBe('1 problem in 1 file; nothing was loaded.');
  return error.issues[0] as IngestIssue;
}

const HEADER = 'order_id,customer_id,order_date,amount';
const purchases = (name: string, content: string | Buffer): SectionRequest[] => [
  { section: 'purchases', file: writeFile(dir, name, content) },
];
const rows = (n: number) => Array.from({ length: n }, (_, i) => `O${i},C1,2024-01-01,1`);

describe('malformed CSV is refused with the line, found even where DuckDB gives none', () => {
  it.each([
    [
      'a row with a field too many',
      `${HEADER}\nO1,C1,2024-01-01,1\nO2,C1,2024-01-01,1,extra\n`,
      3,
      /expected 4 fields.*found 5/,
    ],
    [
      'a row with a field too few',
      `${HEADER}\nO1,C1,2024-01-01,1\nO2,C1,2024-01-01\n`,
      3,
      /expected 4 fields.*found 3/,
    ],
    ['a quote that never closes', `${HEADER}\nO1,"C1,2024-01-01,1\nO2,C1,2024-01-01,1\n`, 2, /never closed/],
    ['text after a closing quote', `${HEADER}\nO1,"C1"x,2024-01-01,1\n`, 2, /text follows a closing quote/],
    [
      'rows of another delimiter under the header',
      `${HEADER}\nO1;C1;2024-01-01;1\nO2;C1;2024-01-01;1\n`,
      2,
      /found 1; it looks ";"-delimited, the header ","-delimited/,
    ],
    [
      'a ragged row after a blank line, CRLF',
      `${HEADER}\r\nO1,C1,2024-01-01,1\r\n\r\nO2,C1,2024-01-01,1,9\r\n`,
      4,
      /found 5/,
    ],
  ])('%s (within the rows DuckDB samples)', async (name, content, line, reason) => {
    const issue = await issueOf(purchases(`${name}.csv`, content));
    expect(issue).toMatchObject({ line, column: null, reason: expect.stringMatching(reason) });
    expect(issue.file).toMatch(new RegExp(`${name}\\.csv$`));
  });

  it('a ragged row far past the sample', async () => {
    const lines = rows(30_000);
    lines.splice(25_000, 0, 'X,C1,2024-01-01');
    const issue = await issueOf(purchases('late-ragged.csv', `${HEADER}\n${lines.join('\n')}\n`));
    expect(issue).toMatchObject({ line: 25_002, reason: expect.stringMatching(/found 3/) });
  });

  it('a quote inside an unquoted field is an ordinary character, as DuckDB reads it', async () => {
    const error = await rejection(
      purchases('inch.csv', `${HEADER},product\nO1,C1,2024-01-01,1,12" pipe\nO2,C1,soon,1,x\n`),
    );
    expect(error.issues).toEqual([expect.objectContaining({ line: 3, column: 'order_date', value: 'soon' })]);
  });

  it('a line that is not UTF-8', async () => {
    const content = Buffer.concat([
      Buffer.from(`${HEADER}\nO1,C1,2024-01-01,1\nO2,C`),
      Buffer.from([0xff]),
      Buffer.from('1,2024-01-01,1\n'),
    ]);
    const issue = await issueOf(purchases('latin1.csv', content));
    expect(issue).toMatchObject({ line: 3, reason: expect.stringContaining('not UTF-8') });
  });

  it('a line longer than DuckDB reads', async () => {
    const issue = await issueOf(
      purchases('long.csv', `${HEADER}\nO1,C1,2024-01-01,1\nO2,C1,2024-01-01,${'9'.repeat(2_100_000)}\n`),
    );
    expect(issue).toMatchObject({ line: 3, reason: expect.stringContaining('longer than 2 MB') });
  });

  it('UTF-16 text (Excel "Unicode text")', async () => {
    const content = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\n`, 'utf16le')]);
    const error = await rejection(purchases('utf16.csv', content));
    expect(error.message).toMatch(/utf16\.csv: is UTF-16 text; save it as UTF-8/);
  });
});

describe("DuckDB's CSV sniffer guesses nothing that would drop rows", () => {
  it('rows that start with "#" are data, not comments', async () => {
    const before = await snapshot(warehouse);
    const file = writeFile(
      dir,
      'hash-ids.csv',
      `${HEADER}\n#1001,C1,2024-01-01,1\n#1002,C1,2024-01-01,1\n1003,C1,2024-01-01,1\n`,
    );
    expect((await ingest(warehouse, [{ section: 'purchases', file }])).purchases.inserted).toBe(3);
    expect((await snapshot(warehouse)).purchases).toBe(before.purchases + 3);
  });

  it('the header is line 1 even when a later row has more fields (never a later row as header)', async () => {
    const issue = await issueOf(
      purchases('wide-later.csv', `${HEADER}\nO1,C1,2024-01-01,1\nA,B,C,D,E\nF,G,H,I,J\n`),
    );
    expect(issue).toMatchObject({ line: 3, reason: expect.stringMatching(/expected 4 fields.*found 5/) });
  });

  it('lines that end in a lone CR (old Mac exports) are counted as lines', async () => {
    const issue = await issueOf(
      purchases('mac.csv', `${HEADER}\rO1,C1,2024-01-01,1\rO2,C1,2024-01-01,1,9\r`),
    );
    expect(issue).toMatchObject({ line: 3, reason: expect.stringMatching(/found 5/) });
  });

  it('a delimiter that is a quote is a mistake in the mapping', async () => {
    const error = await rejection([
      { section: 'purchases', file: writeFile(dir, 'q.csv', `${HEADER}\n`), delimiter: '"' },
    ]);
    expect(error.message).toMatch(/^purchases: delimiter "\\"" cannot be a quote or a line break/);
  });
});

describe('compression', () => {
  it('a .csv.gz that is not gzip', async () => {
    const error = await rejection(purchases('plain.csv.gz', `${HEADER}\nO1,C1,2024-01-01,1\n`));
    expect(error.message).toMatch(/plain\.csv\.gz is not gzip-compressed, though its name ends in \.gz/);
  });

  it('a truncated .csv.gz names the line where it breaks off', async () => {
    const whole = zlib.gzipSync(`${HEADER}\n${rows(20_000).join('\n')}\n`);
    const issue = await issueOf(purchases('cut.csv.gz', whole.subarray(0, Math.floor(whole.length / 2))));
    expect(issue.line).toBeGreaterThan(2);
    expect(issue.reason).toMatch(/truncated|expected 4 fields/);
  });

  it('gzip data without .gz in the name is read as what it is', async () => {
    const before = await snapshot(warehouse);
    const file = writeFile(dir, 'secretly-gzipped.csv', zlib.gzipSync(`${HEADER}\nG1,C1,2024-01-01,1\n`));
    const summary = await ingest(warehouse, [{ section: 'purchases', file }]);
    expect(summary.purchases.inserted).toBe(1);
    expect((await snapshot(warehouse)).purchases).toBe(before.purchases + 1);
  });
});

describe('malformed JSON is refused with its line', () => {
  const good = JSON.stringify({ order_id: 'O1', customer_id: 'C1', order_date: '2024-01-01', amount: 1 });
  it.each([
    [
      'a broken NDJSON line',
      `${good}\n{"order_id":"O2", broken\n${good}\n`,
      'broken.ndjson',
      2,
      /not valid JSON/,
    ],
    ['a broken line after blank lines', `${good}\n\n\n{"order_id":}\n`, 'blank.ndjson', 4, /not valid JSON/],
    [
      'a field twice in one record',
      `${good}\n{"order_id":"O2","order_id":"O3","customer_id":"C1","order_date":"2024-01-01","amount":1}\n`,
      'twice.ndjson',
      2,
      /"order_id" appears twice/,
    ],
    ['records that are not objects', '[1, 2]', 'scalars.json', 1, /must be a JSON object/],
    ['a broken array element', `[\n${good},\n{"order_id": "O2",,}\n]`, 'array.json', 3, /not valid JSON/],
    ['gzipped, broken', zlib.gzipSync(`${good}\n{oops}\n`), 'broken.ndjson.gz', 2, /not valid JSON/],
  ])('%s', async (_name, content, file, line, reason) => {
    const issue = await issueOf(purchases(file, content));
    expect(issue).toMatchObject({ line, reason: expect.stringMatching(reason) });
  });
});

describe('values that do not fit their column are refused by line and column', () => {
  it.each([
    [
      'ndjson',
      (v: unknown) =>
        `${JSON.stringify({ order_id: 'O1', customer_id: 'C1', order_date: '2024-01-01', amount: v })}\n`,
    ],
    [
      'json',
      (v: unknown) =>
        JSON.stringify([{ order_id: 'O1', customer_id: 'C1', order_date: '2024-01-01', amount: v }]),
    ],
  ])('an object where the amount belongs (%s)', async (ext, record) => {
    const issue = await issueOf(purchases(`nested.${ext}`, record({ value: 12.5, currency: 'EUR' })));
    expect(issue).toMatchObject({
      line: 1,
      column: 'amount',
      reason: expect.stringContaining('nested value'),
    });
  });

  it('an object in some rows only, a list in an id', async () => {
    const lines = [
      { order_id: 'O1', customer_id: 'C1', order_date: '2024-01-01', amount: 1 },
      { order_id: 'O2', customer_id: ['C1', 'C2'], order_date: '2024-01-01', amount: 2 },
      { order_id: 'O3', customer_id: 'C1', order_date: '2024-01-01', amount: { v: 3 } },
    ];
    const error = await rejection(purchases('mixed.ndjson', lines.map((l) => JSON.stringify(l)).join('\n')));
    expect(error.issues).toEqual([
      expect.objectContaining({
        line: 2,
        column: 'customer_id',
        reason: expect.stringContaining('nested value'),
      }),
      expect.objectContaining({ line: 3, column: 'amount', reason: expect.stringContaining('nested value') }),
    ]);
  });

  it('a NUL byte inside a field', async () => {
    const issue = await issueOf(
      purchases('nul.csv', `${HEADER}\nO1,C1,2024-01-01,1\nO2,C\u00002,2024-01-01,1\n`),
    );
    expect(issue).toMatchObject({
      line: 3,
      column: 'customer_id',
      value: 'C\u00002',
      reason: expect.stringContaining('NUL'),
    });
  });

  it('a NUL byte in a JSON string, and in a negative line bound for returns', async () => {
    const record = { order_id: 'O1', customer_id: 'C\u00001', order_date: '2024-01-01', amount: 1 };
    expect((await issueOf(purchases('nul.ndjson', JSON.stringify(record)))).reason).toMatch(/NUL/);
    const file = writeFile(
      dir,
      'nul-return.csv',
      `${HEADER}\nO1,C1,2024-01-01,1\nO2,C\u00002,2024-01-02,-1\n`,
    );
    const issue = await issueOf([{ section: 'purchases', file, negativeLinesAreReturns: true }]);
    expect(issue).toMatchObject({ line: 3, column: 'customer_id' });
  });

  it('a complaint resolved before it was opened', async () => {
    const file = writeFile(
      dir,
      'tickets.csv',
      'complaint_id,customer_id,opened_at,resolved_at\nT1,C1,2024-02-01,2024-02-01\nT2,C1,2024-02-01 10:00,2024-01-31 09:00\n',
    );
    const issue = await issueOf([{ section: 'complaints', file }]);
    expect(issue).toMatchObject({
      line: 3,
      column: 'resolved_at',
      value: '2024-01-31 09:00',
      reason: 'resolved before it was opened (opened: column "opened_at")',
    });
  });

  it('a time zone that is unknown or ambiguous', async () => {
    const error = await rejection(
      purchases(
        'zones.csv',
        `${HEADER}\nO1,C1,2024-01-31 14:05:00 XYZ,1\nO2,C1,2024-01-31 14:05:00 IST,1\nO3,C1,2024-01-31 14:05 Mars/Base,1\n`,
      ),
    );
    expect(error.issues.map((i) => [i.line, i.value])).toEqual([
      [2, '2024-01-31 14:05:00 XYZ'],
      [3, '2024-01-31 14:05:00 IST'],
      [4, '2024-01-31 14:05 Mars/Base'],
    ]);
    for (const issue of error.issues) expect(issue.reason).toMatch(/time zone that is not known/);
  });
});

describe('mistakes in the mapping are named by mapping field', () => {
  const mapping = (extra: Record<string, unknown>) => {
    writeFile(dir, 'm/orders.csv', 'Invoice,Customer,Date,Total\n1,C1,31/12/2024,5\n');
    return writeFile(
      dir,
      'm/mapping.json',
      JSON.stringify({
        purchases: {
          file: 'orders.csv',
          columns: { order_id: 'Invoice', customer_id: 'Customer', order_date: 'Date', amount: 'Total' },
          ...extra,
        },
      }),
    );
  };

  it.each([
    ['%d/%Q/%Y', /mapping\.json: purchases\.dateFormat "%d\/%Q\/%Y": %Q is not a specifier/],
    ['dd/mm/yyyy', /mapping\.json: purchases\.dateFormat "dd\/mm\/yyyy" has no % specifier/],
    ['%d/%m/%Y %', /mapping\.json: purchases\.dateFormat "%d\/%m\/%Y %": .*not/],
  ])('a dateFormat DuckDB cannot use: %s', async (format, message) => {
    const error = await rejection(readMappingFile(mapping({ dateFormat: format })));
    expect(error.message).toMatch(message);
  });

  it('a mapping file that is not JSON names the line, not the text', async () => {
    const file = writeFile(
      dir,
      'm/broken.json',
      '{\n  "purchases": {\n    "file": "orders.csv",\n    columns: {}\n  }\n}\n',
    );
    expect(() => readMappingFile(file)).toThrow(
      /broken\.json: not valid JSON \(line 4: a quoted field name expected here\)\.$/,
    );
  });
});

describe('a header that appears twice', () => {
  const file = () =>
    writeFile(dir, 'twice/orders.csv', 'Invoice,Customer,Date,Total,Customer\n1,C1,2024-01-01,5,C2\n');
  const columns = (customer: string) => ({
    order_id: 'Invoice',
    customer_id: customer,
    order_date: 'Date',
    amount: 'Total',
  });

  it('is refused when the mapping names it, with both positions', async () => {
    file();
    const error = await rejection(
      mappingToRequests(
        { purchases: { file: 'orders.csv', columns: columns('Customer') } },
        path.join(dir, 'twice'),
      ),
    );
    expect(error.message).toBe(
      'purchases: "Customer" appears twice in the header of orders.csv (columns 2 and 5) (mapped to customer_id); ' +
        'rename one in the export, or pick one by position, e.g. "customer_id": "#5".',
    );
  });

  it('is refused with canonical headers, also when they differ in case or spaces', async () => {
    const error = await rejection(
      purchases('twice-canonical.csv', `${HEADER}, Customer_ID \nO1,C1,2024-01-01,1,C2\n`),
    );
    expect(error.message).toMatch(
      /"customer_id" appears twice in the header of twice-canonical\.csv \(columns 2 and 5: "customer_id", " Customer_ID "\)/,
    );
  });

  it('loads when the mapping picks one by position', async () => {
    file();
    const before = await snapshot(warehouse);
    const summary = await ingest(
      warehouse,
      mappingToRequests(
        { purchases: { file: 'orders.csv', columns: columns('#5') } },
        path.join(dir, 'twice'),
      ),
    );
    expect(summary.purchases.inserted).toBe(1);
    expect((await snapshot(warehouse)).purchases).toBe(before.purchases + 1);
  });

  it('loads when the mapping names one by its exact spelling, and ignores repeats it does not map', async () => {
    writeFile(
      dir,
      'cased/orders.csv',
      'Invoice,Customer,Date,Total,customer,Note,Note\n2,C1,2024-01-01,5,C2,a,b\n',
    );
    const summary = await ingest(
      warehouse,
      mappingToRequests(
        { purchases: { file: 'orders.csv', columns: columns('customer') } },
        path.join(dir, 'cased'),
      ),
    );
    expect(summary.purchases.inserted).toBe(1);
  });
});

describe('a mapping reads only files in its own folder', () => {
  let secret: string;
  beforeAll(() => {
    secret = writeFile(
      dir,
      'private/secret.csv',
      'root:x:0:0:root:/root:/bin/bash\nsecond-line-secret:x:1:1\n',
    );
  });
  const mappingTo = (file: string) =>
    writeFile(
      dir,
      'exports/mapping.json',
      JSON.stringify({ purchases: { file, columns: { order_id: 'root' } } }),
    );

  it.each([
    ['a relative path that climbs out', () => '../private/secret.csv'],
    ['an absolute path elsewhere', () => secret],
  ])('refuses %s without reading it', (_name, target) => {
    const file = mappingTo(target());
    expect(() => readMappingFile(file)).toThrow(BadInputError);
    expect(() => readMappingFile(file)).toThrow(
      /mapping\.json: purchases\.file ".*secret\.csv" is outside the mapping file's folder/,
    );
    expect(() => readMappingFile(file)).not.toThrow(/root:x|second-line-secret/);
  });

  it('refuses a link inside the folder that leads out', () => {
    fs.symlinkSync(secret, path.join(dir, 'exports/link.csv'));
    expect(() => readMappingFile(mappingTo('link.csv'))).toThrow(/purchases\.file "link\.csv" is outside/);
  });

  it('reads files below its folder, and anywhere when allowed explicitly', async () => {
    writeFile(dir, 'exports/daily/o.csv', `${HEADER}\nIN1,C1,2024-01-01,1\n`);
    expect(readMappingFile(mappingTo('daily/o.csv'))[0]?.file).toBe(path.join(dir, 'exports/daily/o.csv'));
    const requests = readMappingFile(mappingTo(secret), { allowFilesOutsideFolder: true });
    expect(requests[0]?.file).toBe(secret);
  });

  it('quotes at most the header of a file named directly, never its lines', async () => {
    const error = await rejection([{ section: 'purchases', file: secret }]);
    expect(JSON.stringify({ message: error.message, issues: error.issues })).not.toContain(
      'second-line-secret',
    );
  });
});

describe('the Data page sees the same refusals', () => {
  it('inspecting a ragged or broken upload names the line, not DuckDB', async () => {
    const csv = writeFile(dir, 'upload/ragged.csv', `${HEADER}\nO1,C1,2024-01-01,1\nO2,C1,2024-01-01,1,x\n`);
    const csvError = await inspectSource(warehouse, csv).catch((e: unknown) => e);
    expect(csvError).toBeInstanceOf(BadInputError);
    expect((csvError as Error).message).toBe(
      'ragged.csv, line 3: malformed CSV: expected 4 fields like the header, found 5',
    );

    const json = writeFile(dir, 'upload/broken.ndjson', '{"a":1}\n{"a":\n');
    const jsonError = await inspectSource(warehouse, json).catch((e: unknown) => e);
    expect(jsonError).toBeInstanceOf(BadInputError);
    expect((jsonError as Error).message).toMatch(/^broken\.ndjson, line 3: not valid JSON/);
    expectUserFacing(jsonError as BadInputError);
  });

  it('an upload of nested JSON is bad input, without SQL in the message', async () => {
    const file = writeFile(
      dir,
      'upload/nested.json',
      JSON.stringify([{ id: 'O1', customer: 'C1', date: '2024-01-01', total: { v: 1 } }]),
    );
    const error = await rejection([
      {
        section: 'purchases',
        file,
        columns: { order_id: 'id', customer_id: 'customer', order_date: 'date', amount: 'total' },
      },
    ]);
    expect(error.issues[0]).toMatchObject({
      column: 'total',
      reason: expect.stringContaining('nested value'),
    });
  });
});

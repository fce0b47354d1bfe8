import fs from 'node:fs';
import path from 'node:path';
import { openCallListFixture } from '@retain/outreach/testing';
import { tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsFixture } from '../testing/analyticsFixture.ts';
import { INTERNAL_ERROR, runRetain } from '../testing/runRetain.ts';

/*
 * Two ways the command line used to answer "nothing" with exit code 0: a filter value that matches
 * nothing (the wrong case, a typo) and a mistyped --db, which created an empty database.
 */

let db: string;
let cleanupAnalytics: () => void;
let callListDb: string;
let closeCallList: () => void;
let missingDir: { dir: string; cleanup: () => void };
beforeAll(async () => {
  ({ db, cleanup: cleanupAnalytics } = await analyticsFixture());
  const callList = await openCallListFixture();
  callListDb = callList.warehouse.path;
  closeCallList = callList.close;
  callList.warehouse.close(); // the CLI opens it in its own process
  missingDir = tempDir('retain-cli-missing-');
});
afterAll(() => {
  cleanupAnalytics?.();
  closeCallList?.();
  missingDir?.cleanup();
});

function refused(args: string[], message: RegExp) {
  const result = runRetain(args);
  expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(2);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(INTERNAL_ERROR);
  expect(result.stdout).toBe('');
  return result;
}

describe('unknown filter values are refused with the closest known ones', () => {
  it('retain at-risk --segment in the wrong case', () => {
    const result = refused(
      ['at-risk', '--db', callListDb, '--segment', 'At Risk'],
      /--segment: no "At Risk" in the data; did you mean "At risk"\?/,
    );
    expect(result.stderr).toContain('Known values: "At risk"');
    // The right spelling lists customers.
    const ok = runRetain(['at-risk', '--db', callListDb, '--segment', 'At risk']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.split('\r\n').filter(Boolean).length).toBeGreaterThan(1);
  });

  it('retain at-risk --region, checked against the customers’ regions', () => {
    refused(
      ['at-risk', '--db', callListDb, '--region', 'north'],
      /--region: no "north" in the data; did you mean "North"\?/,
    );
    // A segment no customer has yet is still a segment.
    expect(runRetain(['at-risk', '--db', callListDb, '--segment', 'Champions']).code).toBe(0);
  });

  it.each([
    [['kpis', '--channel', 'Web'], /--channel: no "Web" in the data; did you mean "web"\?/],
    [['cohorts', '--channel', 'web,stor'], /--channel: no "stor" in the data; did you mean "store"\?/],
    [['repeat', '--region', 'North'], /--region: no "North" in the data\.\n {2}Nothing to choose from yet/],
    [['repeat', '--within', '30', '--category', 'Toys'], /--category: no "Toys" in the data/],
  ])('retain %s', (args, message) => {
    refused([...args, '--db', db], message);
  });

  it('retain audit refuses a misspelt action, not one nobody has taken yet', () => {
    const added = runRetain(
      ['users', 'add', 'ops', '--role', 'admin', '--db', db],
      {},
      'a long passphrase\n',
    );
    expect(added.code, added.stderr).toBe(0);
    refused(
      ['audit', '--db', db, '--action', 'User-Add'],
      /--action: no "User-Add" in the data; did you mean "user-add"\?/,
    );
    const none = runRetain(['audit', '--db', db, '--action', 'export', '--json']);
    expect(none.code, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout)).toEqual([]);
  });
});

describe('read verbs never create a database', () => {
  it.each([
    ['kpis'],
    ['cohorts'],
    ['repeat', '--within', '90'],
    ['info'],
    ['query', 'SELECT 1'],
    ['audit'],
    ['models'],
    ['at-risk', '--top', '5'],
    ['users', 'list'],
  ])('retain %s with a mistyped --db is bad input naming the path', (...args) => {
    const file = path.join(missingDir.dir, 'retian.duckdb');
    const result = refused([...args, '--db', file], /No database at .*retian\.duckdb \(--db\)/);
    expect(result.stderr).toContain('retain demo --out data/demo --ingest --db');
    expect(result.stderr).toContain('retain ingest');
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(missingDir.dir)).toEqual([]);
  });

  it('says so for RETAIN_DB too', () => {
    const file = path.join(missingDir.dir, 'nope.duckdb');
    const result = runRetain(['kpis'], { RETAIN_DB: file });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`No database at ${file} (RETAIN_DB)`);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('lets the first user be added before any data is loaded', () => {
    const file = path.join(missingDir.dir, 'users-first.duckdb');
    const added = runRetain(
      ['users', 'add', 'ops', '--role', 'admin', '--db', file],
      {},
      'a long passphrase\n',
    );
    expect(added.code, added.stderr).toBe(0);
    expect(fs.existsSync(file)).toBe(true);
  });
});

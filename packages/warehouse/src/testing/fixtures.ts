import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Warehouse } from '../Warehouse.ts';

/** A fresh folder under the OS temp dir, removed by `cleanup`. */
export function tempDir(prefix = 'retain-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function writeFile(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

export async function openTestWarehouse(dir: string, name = 'test.duckdb'): Promise<Warehouse> {
  return Warehouse.open(path.join(dir, name), { threads: 2 });
}

export interface Snapshot {
  customers: number;
  purchases: number;
  complaints: number;
  returns: number;
  dataVersion: number;
}

/** Row counts and data version: "the database is left exactly as it was" compares two of these. */
export async function snapshot(warehouse: Warehouse): Promise<Snapshot> {
  return warehouse.read(async (conn) => {
    const row = (
      await conn.runAndReadAll(`SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM purchases),
        (SELECT count(*) FROM complaints), (SELECT count(*) FROM returns),
        (SELECT value FROM meta WHERE key = 'data_version')`)
    ).getRows()[0];
    return {
      customers: Number(row?.[0]),
      purchases: Number(row?.[1]),
      complaints: Number(row?.[2]),
      returns: Number(row?.[3]),
      dataVersion: Number(row?.[4]),
    };
  });
}

/** Rows as plain objects: integers as numbers, timestamps as ISO strings. */
export async function query(warehouse: Warehouse, sql: string): Promise<Record<string, unknown>[]> {
  const rows = await warehouse.read(async (conn) => (await conn.runAndReadAll(sql)).getRowObjectsJS());
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [
        k,
        typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v,
      ]),
    ),
  );
}

// The baseline: DuckDB's own CSV load with nothing else, in a process of its own.
import { DuckDBInstance } from '@duckdb/node-api';

const [db, file] = process.argv.slice(2);
const instance = await DuckDBInstance.create(db);
const conn = await instance.connect();
const started = performance.now();
await conn.run(`CREATE TABLE t AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}')`);
const seconds = (performance.now() - started) / 1000;
const rows = (await conn.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0];
conn.closeSync();
instance.closeSync();
console.log(JSON.stringify({ seconds, rows: Number(rows) }));

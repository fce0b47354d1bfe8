// A separate process that exports the whole call list of DB to OUT, printing each progress report
// (four a second while DuckDB ranks and writes); the fault test kills it with SIGKILL half way.
import { Warehouse } from '@retain/warehouse';
import { exportCallList } from '../exportCallList.ts';

const [db, out] = process.argv.slice(2);
if (!db || !out) throw new Error('usage: exportChild DB OUT');
const warehouse = await Warehouse.open(db, { threads: 2 });
const result = await exportCallList(warehouse, {}, out, {
  onProgress: ({ phase, bytes }) => process.stdout.write(`progress ${phase} ${bytes}\n`),
});
process.stdout.write(`done ${result.rows}\n`);
warehouse.close();

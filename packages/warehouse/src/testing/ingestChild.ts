// A separate process that loads one purchases file, announcing on stdout when the load is under
// way; the crash test kills it there with SIGKILL.
import { ingest } from '../ingest/ingest.ts';
import { Warehouse } from '../Warehouse.ts';

const [db, file] = process.argv.slice(2);
if (!db || !file) throw new Error('usage: ingestChild DB FILE');
const warehouse = await Warehouse.open(db, { threads: 2 });
let announced = false;
const summary = await ingest(warehouse, [{ section: 'purchases', file }], {
  onProgress: ({ step }) => {
    if (step === 'loading' && !announced) {
      announced = true;
      process.stdout.write('loading\n');
    }
  },
});
process.stdout.write(`done ${JSON.stringify(summary.purchases)}\n`);
warehouse.close();

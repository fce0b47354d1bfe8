// A separate process that trains a model version, announcing each phase on stdout and pausing just
// before the version is registered; the crash test kills it there with SIGKILL.
import { Warehouse } from '@retain/warehouse';
import { trainChurnModel } from '../train.ts';

const [db] = process.argv.slice(2);
if (!db) throw new Error('usage: trainChild DB');
const warehouse = await Warehouse.open(db, { threads: 2 });
const result = await trainChurnModel(warehouse, {
  runner: 'inline',
  onProgress: (p) => process.stdout.write(`${p.phase}\n`),
  beforeRegister: async () => {
    process.stdout.write('registering\n');
    await new Promise((resolve) => setTimeout(resolve, 30_000));
  },
});
process.stdout.write(`done ${result.modelId}\n`);
warehouse.close();

// A separate process that runs one alert check against a database; the restart test kills it
// with SIGKILL while its webhook delivery is still waiting for an answer.
import { Warehouse } from '@retain/warehouse';
import { checkAlerts } from '../checkAlerts.ts';

const [db, hosts, secret] = process.argv.slice(2);
if (!db || !hosts || !secret) throw new Error('usage: checkChild DB HOSTS SECRET');
const warehouse = await Warehouse.open(db, { threads: 2 });
const result = await checkAlerts(warehouse, {
  env: { webhookHosts: hosts.split(','), webhookSecret: secret },
  trigger: 'test',
  retry: { attempts: 1, baseDelayMs: 10, timeoutMs: 60_000 },
});
process.stdout.write(`done ${JSON.stringify(result)}\n`);
warehouse.close();

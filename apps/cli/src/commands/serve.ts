import path from 'node:path';
import type { ApiServices } from '@retain/api';
import type { Warehouse } from '@retain/warehouse';
import type { OpenEngine } from '@retain/workflows';
import type { Command } from 'commander';
import { cliRequester } from '../audit.ts';
import { env, REPO_ROOT, resolveDb } from '../env.ts';
import { UsageError } from '../output/errors.ts';
import { formatNumber } from '../output/table.ts';
import { ingestDemo } from './demo.ts';

interface ServeFlags {
  db?: string;
  engine?: string;
  port?: string;
  host?: string;
  demoIfEmpty?: boolean;
  demoCustomers: string;
}

const DEFAULT_PORT = 3000;

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Start the API and the dashboard.')
    .option('--port <n>', `port (default ${DEFAULT_PORT} or RETAIN_PORT; the next free one if taken)`)
    .option('--host <host>', 'address to bind (default 127.0.0.1, or RETAIN_HOST)')
    .option('--db <path>', 'database file (default data/retain.duckdb, or RETAIN_DB)')
    .option(
      '--engine <url>',
      'read the facts on a Trino cluster, caching the figures in the database file: trino://USER@HOST:PORT/CATALOG/SCHEMA (or RETAIN_ENGINE)',
    )
    .option('--demo-if-empty', 'generate and load demo data when the warehouse holds no purchases')
    .option('--demo-customers <n>', 'customers in that demo data', '50000')
    .addHelpText(
      'after',
      '\nExamples:\n  $ retain serve --port 8080 --db data/shop.duckdb\n  $ retain serve --engine trino://analyst@trino.internal:8080/lake/sales',
    )
    .action(async (flags: ServeFlags) => {
      const { openEngine, engineCurrency } = await import('@retain/workflows');
      // The cluster first: a URL, table or column it refuses stops here, before anything is opened.
      const engine = await openEngine({ flag: flags.engine, env: env.engine, password: env.trinoPassword });
      // The currency stored with the facts on the cluster (by their mapping), where the setting
      // says none; a file's is read from the file by the services themselves.
      const currency = engine && !env.currency ? ((await engineCurrency(engine.db)) ?? undefined) : undefined;
      if (engine && flags.demoIfEmpty)
        console.log(
          `--demo-if-empty is ignored: the facts are read on ${engine.name}, and nothing is loaded into the database file.`,
        );
      const { Warehouse, warehouseInfo } = await import('@retain/warehouse');
      const warehouse = await Warehouse.open(resolveDb(flags.db));
      if (!engine && flags.demoIfEmpty && (await warehouseInfo(warehouse)).purchases.rows === 0) {
        // Stopped while the demo is made: nothing is loaded (the load is one transaction), and the
        // next start makes it again. Said, rather than a silent exit.
        const stopLoading = (signal: NodeJS.Signals) => {
          console.log(
            `\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping… the demo data was not loaded; the next start generates it again.`,
          );
          console.log('Stopped.');
          process.exit(130);
        };
        process.once('SIGINT', stopLoading);
        process.once('SIGTERM', stopLoading);
        await loadDemo(warehouse, Number(flags.demoCustomers));
        process.off('SIGINT', stopLoading);
        process.off('SIGTERM', stopLoading);
      }
      const explicitPort = flags.port ?? (env.port === undefined ? undefined : String(env.port));
      const port = explicitPort === undefined ? DEFAULT_PORT : Number(explicitPort);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0–65535');
      const host = flags.host ?? env.host ?? '127.0.0.1';
      const { authRequiredFor } = await import('@retain/api');
      const authRequired = authRequiredFor(host, env.authForced);
      if (authRequired) {
        const { countUsers } = await import('@retain/access');
        if ((await countUsers(warehouse)) === 0) {
          throw new UsageError(
            `sign-in is required on ${host}${env.authForced ? ' (RETAIN_AUTH=on)' : ''} and there are no users yet. ` +
              'Create an admin first: retain users add <name> --role admin',
          );
        }
      }
      const running = await listenOnFreePort(
        warehouse,
        engine,
        currency,
        host,
        port,
        explicitPort === undefined ? 10 : 1,
        authRequired,
      );
      const shutdown = { stopping: false };
      const info = await warehouseInfo(warehouse);
      console.log(
        engine
          ? `Retain is running at ${running.url}  (facts on ${engine.name}; figures cached in ${info.database})`
          : `Retain is running at ${running.url}  (database ${info.database}, ` +
              `${formatNumber(info.customers.withOrders)} customers with orders, data version ${info.dataVersion})`,
      );
      console.log(
        authRequired
          ? 'Sign-in required: users and roles are managed with `retain users`.'
          : 'DEMO MODE: no sign-in, everyone who can reach localhost is admin. Bind another address or set RETAIN_AUTH=on to require sign-in.',
      );
      // On a cluster the local file holds no facts to train on (training there is not served yet).
      if (!engine && info.purchases.rows > 0)
        void trainFirstModel(warehouse, running.services.training, running.url, shutdown);
      const stop = async (signal: NodeJS.Signals) => {
        if (shutdown.stopping) {
          console.log('Stopping at once.');
          process.exit(130);
        }
        shutdown.stopping = true;
        const training = running.services.training.current;
        console.log(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping Retain… (again to stop at once)`);
        if (training) {
          const phase = training.last
            ? ` (${training.last.message}, ${Math.round(training.last.percent)}%)`
            : '';
          console.log(
            `Interrupting the churn model training started ${training.startedAt}${phase}: nothing of it is kept, the scores in use stay as they were.`,
          );
        }
        console.log('Closing the dashboard’s connections; downloads in progress are cut off.');
        await running.services.training.cancel();
        await running.close();
        await warehouse.shutdown();
        console.log('Stopped.');
        process.exit(0);
      };
      process.on('SIGINT', (signal) => void stop(signal));
      process.on('SIGTERM', (signal) => void stop(signal));
    });
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(0)} s`;

/** Says when work passes the next of `count` equal steps (every 10 % for ten), with how far it is. */
class ProgressSteps {
  private next = 1;
  percent = 0;
  constructor(private readonly count: number) {}

  passed(share: number): boolean {
    if (share < this.next / this.count) return false;
    this.percent = Math.round(share * 100);
    this.next = Math.floor(share * this.count) + 1;
    return true;
  }
}

async function listenOnFreePort(
  warehouse: Warehouse,
  engine: OpenEngine | null,
  currency: string | undefined,
  host: string,
  first: number,
  attempts: number,
  authRequired: boolean,
) {
  const { startServer } = await import('@retain/api');
  const webRoot = path.join(REPO_ROOT, 'apps', 'web', 'dist');
  for (let i = 0; ; i++) {
    try {
      return await startServer({
        warehouse,
        engine: engine ?? undefined,
        currency,
        host,
        port: first + i,
        webRoot,
        authRequired,
      });
    } catch (error) {
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!inUse || i + 1 >= attempts) {
        throw inUse ? new UsageError(`port ${first + i} is in use; pass --port`) : error;
      }
    }
  }
}

/**
 * Generates the demo retailer beside the database and loads it, saying how far it has got: about
 * a quarter of a minute for 50,000 customers, which must not look like a hang.
 */
async function loadDemo(warehouse: Warehouse, customers: number): Promise<void> {
  const { generateDemo } = await import('@retain/demo-data');
  // Beside the database: data/demo for the default data/retain.duckdb.
  const dir = path.join(path.dirname(warehouse.path), 'demo');
  console.log(
    `The warehouse is empty: generating demo data (${formatNumber(customers)} customers) in ${dir} …`,
  );
  const seed = 42;
  const started = Date.now();
  const steps = new ProgressSteps(10);
  const demo = await generateDemo({
    outDir: dir,
    customers,
    seed,
    onProgress: (done, total) => {
      if (steps.passed(done / total))
        console.log(
          `  generated ${formatNumber(done)} of ${formatNumber(total)} customers (${steps.percent}%)`,
        );
    },
  });
  console.log(
    `  ${formatNumber(demo.purchases)} order lines, ${formatNumber(demo.complaints)} complaints and ` +
      `${formatNumber(demo.returns)} returns written in ${seconds(started)}; loading them into the warehouse …`,
  );
  const loading = Date.now();
  const generated = { customers, seed, start: demo.start, end: demo.end };
  let section = '';
  const summary = await ingestDemo(warehouse, dir, generated, 'serve --demo-if-empty', (progress) => {
    if (progress.section === section) return;
    section = progress.section;
    console.log(`  loading ${section} …`);
  });
  console.log(
    `Loaded ${formatNumber(demo.purchases)} order lines, ${formatNumber(demo.complaints)} complaints and ` +
      `${formatNumber(demo.returns)} returns in ${seconds(loading)} (data version ${summary.dataVersion}).`,
  );
}

/**
 * "Once the model exists": with orders and no churn model yet, train one in the background after the
 * server listens (the dashboard answers meanwhile), logging progress, then score at the data's end.
 */
async function trainFirstModel(
  warehouse: Warehouse,
  training: ApiServices['training'],
  url: string,
  shutdown: { stopping: boolean },
): Promise<void> {
  try {
    const { hasReadyModel } = await import('@retain/churn');
    if (training.current || (await hasReadyModel(warehouse))) return;
    console.log(
      'No churn model yet: training the first one in the background; the dashboard answers meanwhile. ' +
        `Watch it on ${url}/model; the call list appears on ${url}/at-risk when it is done.`,
    );
    let phase = '';
    const { startTraining } = await import('@retain/workflows');
    const { done } = await startTraining(
      warehouse,
      training,
      {},
      {
        requester: cliRequester(),
        detail: { command: 'serve', reason: 'no model yet' },
        onEvent: (event) => {
          const epochLine = event.epoch !== undefined && event.epoch % 5 === 0;
          if (event.phase === phase && !epochLine) return;
          phase = event.phase;
          if (event.phase !== 'done' && event.phase !== 'failed') console.log(`[churn] ${event.message}`);
        },
      },
    );
    const result = await done;
    if (!result) {
      if (shutdown.stopping) console.log('[churn] training stopped.');
      else console.error(`[churn] ${training.latest?.message ?? 'training failed'}`);
      return;
    }
    const auc = (v: number | null) => (v === null ? '–' : v.toFixed(3));
    console.log(
      `[churn] model ${result.modelId} ready in ${result.trainSeconds.toFixed(0)} s (backend ${result.backend}): ` +
        `validation AUC ${auc(result.validation.auc)}, BG/NBD ${auc(result.baselines.bgnbd.auc)}; ` +
        `scored ${formatNumber(result.scored.customers)} customers at ${result.scored.asOf}.`,
    );
  } catch (error) {
    console.error(
      `[churn] could not train the first model: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalColumns } from '@retain/schemas';
import { historyWindow } from './calendar.ts';
import { CsvWriter } from './csvWriter.ts';
import { demoParameters } from './parameters.ts';
import { PosteriorModel } from './posterior.ts';
import { SignupSchedule } from './signupSchedule.ts';
import { CustomerSimulator, type DemoWriters } from './simulateCustomer.ts';
import { ProgramSimulator, programHeaders } from './simulateProgram.ts';

export interface DemoOptions {
  outDir: string;
  /** Number of signups (default 50,000). */
  customers?: number;
  /** Seed of the pseudo-random streams (default 42); the same options give byte-identical files. */
  seed?: number;
  /** ISO date the history ends, inclusive (default '2026-09-30'). */
  end?: string;
  /** History length in years (default 3). */
  years?: number;
  /**
   * Also write posterior_churn_probability, the Bayesian posterior from the observed history (the
   * reachable ceiling), into truth.csv. Default: on up to 200,000 customers, where it costs little.
   */
  posterior?: boolean;
  /**
   * Also simulate the retention team's past call lists (with control groups), the calls' outcomes
   * and their true effect (simulateProgram.ts): call_lists.csv, call_list_members.csv,
   * contact_outcomes.csv and program_truth.csv, and an order for each customer a call kept.
   * Default: on up to 200,000 customers.
   */
  program?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface DemoSummary {
  customers: number;
  /** Order lines. */
  purchases: number;
  orders: number;
  complaints: number;
  returns: number;
  start: string;
  end: string;
  files: { customers: string; purchases: string; complaints: string; returns: string; truth: string };
  /** The past call lists' files, when simulated. */
  program: { lists: string; members: string; outcomes: string; truth: string; listCount: number } | null;
  seconds: number;
}

export const demoHeaders = {
  // The canonical columns in the warehouse's order, so that the files load without a mapping.
  customers: canonicalColumns('customers'),
  purchases: canonicalColumns('purchases'),
  complaints: canonicalColumns('complaints'),
  returns: ['return_id', 'order_id', 'customer_id', 'returned_at', 'amount'],
  truth: [
    'customer_id',
    'churned_next_90d',
    'latent_churn_probability',
    'posterior_churn_probability',
    'alive_at_end',
    'purchase_rate',
    'dropout_hazard',
    'dropout_hazard_at_end',
    'orders_next_90d',
    'died_at',
  ],
} as const;

/** The churn window after the history end, in days; fixed because the column names say 90d. */
export const churnHorizonDays = 90;

/** Customers simulated between two flushes: small enough to keep the chunks near 1 MB. */
const batchSize = 1000;
const progressEvery = 10_000;

/**
 * Writes a synthetic retailer's history for `customers` signups into `outDir` (customers, purchases,
 * complaints, returns) plus truth.csv, the churn ground truth over the 90 days after the end. Streams
 * customer by customer: memory does not grow with the number of customers.
 */
export async function generateDemo(options: DemoOptions): Promise<DemoSummary> {
  const started = performance.now();
  const customers = options.customers ?? 50_000;
  const seed = options.seed ?? 42;
  if (!Number.isInteger(customers) || customers < 1 || customers > 9_999_999) {
    throw new Error(`customers must be an integer from 1 to 9,999,999, got ${customers}`);
  }
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new Error(`seed must be a non-negative integer, got ${seed}`);
  const window = historyWindow(options.end ?? '2026-09-30', options.years ?? 3);
  const withPosterior = options.posterior ?? customers <= 200_000;
  const withProgram = options.program ?? customers <= 200_000;

  await mkdir(options.outDir, { recursive: true });
  const files = {
    customers: join(options.outDir, 'customers.csv'),
    purchases: join(options.outDir, 'purchases.csv'),
    complaints: join(options.outDir, 'complaints.csv'),
    returns: join(options.outDir, 'returns.csv'),
    truth: join(options.outDir, 'truth.csv'),
  };
  const writers: DemoWriters = {
    customers: new CsvWriter(files.customers, demoHeaders.customers),
    purchases: new CsvWriter(files.purchases, demoHeaders.purchases),
    complaints: new CsvWriter(files.complaints, demoHeaders.complaints),
    returns: new CsvWriter(files.returns, demoHeaders.returns),
    truth: new CsvWriter(files.truth, demoHeaders.truth),
  };
  const programFiles = {
    lists: join(options.outDir, 'call_lists.csv'),
    members: join(options.outDir, 'call_list_members.csv'),
    outcomes: join(options.outDir, 'contact_outcomes.csv'),
    truth: join(options.outDir, 'program_truth.csv'),
  };
  const programWriters = withProgram
    ? {
        members: new CsvWriter(programFiles.members, programHeaders.members),
        outcomes: new CsvWriter(programFiles.outcomes, programHeaders.outcomes),
        truth: new CsvWriter(programFiles.truth, programHeaders.truth),
        lists: new CsvWriter(programFiles.lists, programHeaders.lists),
        purchases: writers.purchases,
      }
    : null;
  const all = [
    ...Object.values(writers),
    ...(programWriters
      ? [programWriters.members, programWriters.outcomes, programWriters.truth, programWriters.lists]
      : []),
  ];

  try {
    const simulator = new CustomerSimulator(
      window,
      churnHorizonDays,
      seed,
      demoParameters,
      withPosterior || withProgram,
    );
    const program = programWriters ? new ProgramSimulator(window, simulator.formatter, seed) : null;
    const posterior = withPosterior
      ? new PosteriorModel({
          end: window.end,
          horizonDays: churnHorizonDays,
          coverYears: (window.days + 1) / 365,
        })
      : undefined;
    const schedule = new SignupSchedule(window.days, window.startMs, customers, seed, demoParameters);
    const formatter = simulator.formatter;
    const horizonEnd = window.days + churnHorizonDays;

    for (let index = 1; index <= customers; index++) {
      const truth = simulator.simulate(index, schedule.nextDay(), writers);
      if (truth) {
        const history = simulator.lastHistory;
        const posteriorValue =
          posterior && history ? posterior.evaluate(history).churnProbability.toFixed(6) : '';
        if (program && programWriters && history) {
          const id = `C${String(index).padStart(7, '0')}`;
          program.simulate(index, id, simulator.lastConsent, simulator.lastRegion, history, programWriters);
        }
        const died =
          Number.isNaN(truth.diedAt) || truth.diedAt >= horizonEnd ? '' : formatter.timestamp(truth.diedAt);
        writers.truth.write(
          `C${String(index).padStart(7, '0')},${truth.ordersNextHorizon === 0 ? 1 : 0},${truth.latentChurnProbability.toFixed(6)},${posteriorValue},${truth.aliveAtEnd ? 1 : 0},${truth.purchaseRate.toPrecision(6)},${truth.dropoutHazard.toPrecision(6)},${truth.dropoutHazardAtEnd.toPrecision(6)},${truth.ordersNextHorizon},${died}\n`,
        );
      }
      if (index % batchSize === 0 || index === customers) {
        for (const writer of all) await writer.flush();
      }
      if (options.onProgress && (index % progressEvery === 0 || index === customers)) {
        options.onProgress(index, customers);
      }
    }
    if (program && programWriters) program.finish(programWriters.lists, programWriters.members);
    for (const writer of all) await writer.close();

    return {
      customers,
      purchases: simulator.orderLines + (program?.extraLines ?? 0),
      orders: simulator.orders + (program?.orders ?? 0),
      complaints: simulator.complaints,
      returns: simulator.returns,
      start: window.start,
      end: window.end,
      files,
      program: program ? { ...programFiles, listCount: program.lists.length } : null,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    for (const writer of all) writer.destroy();
    throw error;
  }
}

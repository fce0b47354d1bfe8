import type { TrainResult } from '@retain/churn';
import type { Metrics } from '@retain/schemas';
import type { Command } from 'commander';
import { auditFromCli } from '../audit.ts';
import { env } from '../env.ts';
import { UsageError } from '../output/errors.ts';
import { ProgressBar } from '../output/progressBar.ts';
import { renderTable } from '../output/table.ts';
import { withWarehouse } from '../warehouse.ts';

interface TrainFlags {
  asOf?: string;
  horizon: string;
  seed: string;
  db?: string;
  json?: boolean;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      'Train a churn model version, evaluate it out of time against baselines, and score customers.',
    )
    .option('--as-of <date>', 'T: train with data up to this day (YYYY-MM-DD); default: the last order')
    .option('--horizon <days>', 'churned = no order in the H days after a snapshot', '90')
    .option('--seed <n>', 'random seed (sampling, initialisation, shuffling)', '42')
    .option('--db <path>', 'database file (default data/retain.duckdb, or RETAIN_DB)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ retain train
  $ retain train --as-of 2024-06-30 --horizon 60 --json

Fits on snapshots T−2H, T−3H, …, reports metrics on the validation snapshot T−H (never fitted on),
refits on all labelled snapshots and scores every customer at T. JSON: {"modelId","backend","asOf",
"horizonDays","validation":{"auc","prAuc","brier","logLoss","liftTop10",…},"baselines":{"recency",
"rfmLogistic","bgnbd","gbt"},"trainSeconds",…} (see README.md, "Churn model").`,
    )
    .action(async (flags: TrainFlags) => {
      const horizonDays = wholeNumber(flags.horizon, '--horizon', 7, 730);
      const seed = wholeNumber(flags.seed, '--seed', 0, 2 ** 31 - 1);
      if (flags.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(flags.asOf)) {
        throw new UsageError('--as-of must be YYYY-MM-DD');
      }
      const bar = new ProgressBar(env.interactive && !flags.json);
      const { trainChurnModel } = await import('@retain/churn');
      const result = await withWarehouse(flags.db, async (warehouse) => {
        await auditFromCli(warehouse, 'train', { asOf: flags.asOf ?? null, horizonDays, seed });
        return trainChurnModel(warehouse, {
          horizonDays,
          seed,
          ...(flags.asOf ? { asOf: flags.asOf } : {}),
          onProgress: (p) =>
            bar.update(
              p.epoch === undefined
                ? p.phase
                : `${p.phase} epoch ${p.epoch}  loss ${p.loss?.toFixed(4)}${
                    p.holdoutAuc == null ? '' : `  hold-out AUC ${p.holdoutAuc.toFixed(3)}`
                  }`,
              p.percent,
            ),
        });
      }).finally(() => bar.done());
      console.log(flags.json ? JSON.stringify(trainJson(result), null, 2) : renderTrain(result));
    });
}

function summary(m: Metrics) {
  return {
    auc: m.auc,
    prAuc: m.prAuc,
    brier: m.brier,
    logLoss: m.logLoss,
    calibrationError: m.calibrationError,
    liftTop5: m.liftTop5,
    liftTop10: m.liftTop10,
    liftTop20: m.liftTop20,
    captureTop10: m.captureTop10,
    churnRate: m.churnRate,
    rows: m.rows,
  };
}

/** The result as `retain train --json` prints it: headline metrics; full tables via the API. */
export function trainJson(r: TrainResult) {
  return {
    modelId: r.modelId,
    backend: r.backend,
    asOf: r.asOf,
    horizonDays: r.horizonDays,
    dataVersion: r.dataVersion,
    validation: summary(r.validation),
    baselines: {
      recency: summary(r.baselines.recency),
      rfmLogistic: summary(r.baselines.rfmLogistic),
      bgnbd: { ...summary(r.baselines.bgnbd), params: r.baselines.bgnbd.params },
      gbt: { ...summary(r.baselines.gbt), trees: r.baselines.gbt.trees },
    },
    snapshots: r.snapshots,
    rows: r.rows,
    epochs: r.epochs,
    scored: r.scored,
    trainSeconds: r.trainSeconds,
    notes: r.notes,
  };
}

const figure = (v: number | null, digits = 3) => (v === null ? '–' : v.toFixed(digits));

function renderTrain(r: TrainResult): string {
  const row = (name: string, m: Metrics) => [
    name,
    figure(m.auc),
    figure(m.prAuc),
    figure(m.brier),
    figure(m.logLoss),
    figure(m.calibrationError),
    figure(m.liftTop10, 2),
  ];
  return [
    `Model ${r.modelId} (backend ${r.backend}) trained in ${r.trainSeconds.toFixed(1)} s: T = ${r.asOf}, horizon ${r.horizonDays} days.`,
    `Validation snapshot ${r.snapshots.validation} (${r.validation.rows} customers, churn rate ${(r.validation.churnRate * 100).toFixed(1)} %); fitted on ${r.snapshots.training.length} earlier snapshots.`,
    '',
    renderTable(
      ['', 'ROC AUC', 'PR AUC', 'Brier', 'log loss', 'calib. error', 'lift top 10 %'],
      [
        row('model', r.validation),
        row('recency', r.baselines.recency),
        row('RFM logistic', r.baselines.rfmLogistic),
        row('BG/NBD', r.baselines.bgnbd),
        row('boosted trees', r.baselines.gbt),
      ],
    ),
    '',
    `Scored ${r.scored.customers} customers at ${r.scored.asOf}; see them with \`retain score --out scores.csv\` or the dashboard.`,
    ...r.notes.map((note) => `note: ${note}`),
  ].join('\n');
}

export function wholeNumber(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`);
  return n;
}

import type { TrainResult } from '@retain/churn';
import { HORIZON_DAYS, type Metrics, TRAINING_SEED } from '@retain/schemas';
import type { Command } from 'commander';
import { cliRequester } from '../audit.ts';
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
  engine?: string;
  json?: boolean;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      'Train a churn model version, evaluate it out of time against baselines, and score customers.',
    )
    .option('--as-of <date>', 'T: train with data up to this day (YYYY-MM-DD); default: the last order')
    .option(
      '--horizon <days>',
      'churned = no order in the H days after a snapshot',
      String(HORIZON_DAYS.default),
    )
    .option('--seed <n>', 'random seed (sampling, initialisation, shuffling)', String(TRAINING_SEED.default))
    .option('--db <path>', 'database file (default data/retain.duckdb, or RETAIN_DB)')
    .option(
      '--engine <url>',
      'extract the features on a Trino cluster holding the facts tables: trino://USER@HOST:PORT/CATALOG/SCHEMA (or RETAIN_ENGINE); the model and its scores go to --db',
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ retain train
  $ retain train --as-of 2024-06-30 --horizon 60 --json
  $ retain train --engine trino://analyst@trino.internal:8080/lake/sales

At each rolling origin T−H, T−2H, T−3H every candidate (the stacked model, the network, boosted
trees, RFM logistic regression, BG/NBD, days since last order) is fitted on the snapshots before it
and scores the origin; the candidates are compared on those rows pooled, the active scorer is chosen
by the rule in README.md ("Which scorer is active"), refitted on all labelled snapshots, and scores
every customer at T. JSON: {"modelId","backend","asOf","horizonDays","selected":{"name","reason"},
"validation":{"auc","prAuc","brier",…},"baselines":{"recency","rfmLogistic","bgnbd","gbt"},
"candidates":[{"name","auc","prAuc","brier",…,"intervals":{"auc":{"value","se","lower","upper"},…},
"versusSelected"}],"trainSeconds",…}.`,
    )
    .action(async (flags: TrainFlags) => {
      const horizonDays = wholeNumber(flags.horizon, '--horizon', HORIZON_DAYS.min, HORIZON_DAYS.max);
      const seed = wholeNumber(flags.seed, '--seed', TRAINING_SEED.min, TRAINING_SEED.max);
      if (flags.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(flags.asOf)) {
        throw new UsageError('--as-of must be YYYY-MM-DD');
      }
      const bar = new ProgressBar(env.interactive && !flags.json);
      const { churnFeatureEngine, trainModel } = await import('@retain/workflows');
      const input = { horizonDays, seed, ...(flags.asOf ? { asOf: flags.asOf } : {}) };
      // Checked before the database file is opened: a cluster that cannot be reached, or lacks a
      // table, leaves nothing written locally.
      const features = await churnFeatureEngine({
        flag: flags.engine,
        env: env.engine,
        password: env.trinoPassword,
      });
      // With the facts on a cluster the file only keeps the model: a first training may create it.
      const result = await withWarehouse(
        flags.db,
        (warehouse) =>
          trainModel(warehouse, input, {
            requester: cliRequester(),
            ...(features ? { features } : {}),
            ...(env.currency ? { currency: env.currency } : {}),
            onProgress: (p) =>
              bar.update(
                p.epoch === undefined
                  ? p.phase
                  : `${p.phase} epoch ${p.epoch}  loss ${p.loss?.toFixed(4)}${
                      p.holdoutAuc == null ? '' : `  hold-out AUC ${p.holdoutAuc.toFixed(3)}`
                    }`,
                p.percent,
              ),
          }),
        { create: features !== null },
      ).finally(() => bar.done());
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
    selected: { name: r.selected.name, label: r.selected.label, reason: r.selected.reason },
    warning: r.selection.warning,
    validation: summary(r.validation),
    baselines: {
      recency: summary(r.baselines.recency),
      rfmLogistic: summary(r.baselines.rfmLogistic),
      bgnbd: { ...summary(r.baselines.bgnbd), params: r.baselines.bgnbd.params },
      gbt: { ...summary(r.baselines.gbt), trees: r.baselines.gbt.trees },
    },
    candidates: r.candidates.map((c) => ({
      name: c.name,
      label: c.label,
      learned: c.learned,
      selected: c.name === r.selected.name,
      ...summary(c.metrics),
      intervals: { auc: c.auc, prAuc: c.prAuc, brier: c.brier },
      versusSelected: c.versusSelected,
    })),
    origins: r.origins,
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
  const interval = (i: { value: number | null; lower: number | null; upper: number | null }) =>
    i.lower === null || i.upper === null
      ? figure(i.value)
      : `${figure(i.value)} (${figure(i.lower)}–${figure(i.upper)})`;
  const pooled = r.origins.map((o) => o.snapshot).join(', ');
  return [
    `Model ${r.modelId} (backend ${r.backend}) trained in ${r.trainSeconds.toFixed(1)} s: T = ${r.asOf}, horizon ${r.horizonDays} days.`,
    `Active scorer: ${r.selected.label}. ${r.selected.reason}`,
    ...(r.selection.warning ? [`Warning: ${r.selection.warning}`] : []),
    '',
    `Every candidate on ${r.validation.rows} customers of the out-of-time snapshot${r.origins.length === 1 ? '' : 's'} ${pooled} (95 % intervals):`,
    renderTable(
      ['', 'ROC AUC', 'vs active', 'PR AUC', 'Brier', 'calib. error', 'lift top 10 %'],
      r.candidates.map((c) => [
        `${c.name === r.selected.name ? '* ' : ''}${c.label}`,
        interval(c.auc),
        c.versusSelected
          ? `${c.versusSelected.difference >= 0 ? '+' : '−'}${Math.abs(c.versusSelected.difference).toFixed(3)} ± ${c.versusSelected.se.toFixed(3)}`
          : 'active',
        interval(c.prAuc),
        figure(c.brier.value),
        figure(c.metrics.calibrationError),
        figure(c.metrics.liftTop10, 2),
      ]),
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

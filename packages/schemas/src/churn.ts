import { z } from 'zod';
import {
  horizonDaysSchema,
  isoDaySchema as isoDay,
  parameterProblemSchema,
  trainingSeedSchema,
} from './parameterSchemas.ts';
import { HORIZON_DAYS, TRAINING_SEED } from './parameters.ts';

/*
 * Inputs and outputs of the churn model: training, model versions and their evaluation, scores.
 * Definitions of every figure are in README.md, "Churn model".
 */

const nullableNumber = z.number().nullable();

export const calibrationBinSchema = z.object({
  from: z.number(),
  to: z.number(),
  count: z.number(),
  meanPredicted: nullableNumber,
  observedRate: nullableNumber,
});

export const liftPointSchema = z.object({ top: z.number(), lift: nullableNumber, capture: nullableNumber });

/** Evaluation of one set of probabilities against realised churn (1 = no order in the horizon). */
export const metricsSchema = z.object({
  rows: z.number(),
  churnRate: z.number(),
  auc: nullableNumber,
  prAuc: nullableNumber,
  brier: z.number(),
  logLoss: z.number(),
  calibrationError: z.number(),
  calibration: z.array(calibrationBinSchema),
  lift: z.array(liftPointSchema),
  liftTop5: nullableNumber,
  liftTop10: nullableNumber,
  liftTop20: nullableNumber,
  captureTop5: nullableNumber,
  captureTop10: nullableNumber,
  captureTop20: nullableNumber,
});
export type Metrics = z.infer<typeof metricsSchema>;

export const baselineMetricsSchema = z.object({
  recency: metricsSchema,
  rfmLogistic: metricsSchema,
  bgnbd: metricsSchema.extend({
    params: z.object({
      r: z.number(),
      alpha: z.number(),
      a: z.number(),
      b: z.number(),
      unit: z.literal('weeks'),
    }),
  }),
  gbt: metricsSchema.extend({ trees: z.number() }),
});
export type BaselineMetrics = z.infer<typeof baselineMetricsSchema>;

export const epochStatsSchema = z.object({
  epoch: z.number(),
  loss: z.number(),
  holdoutLoss: nullableNumber,
  holdoutAuc: nullableNumber,
  seconds: z.number(),
});
export type EpochStats = z.infer<typeof epochStatsSchema>;

/** A point of a ROC curve: flagging every customer whose probability is at least `threshold`. */
export const rocPointSchema = z.object({
  fpr: z.number(),
  tpr: z.number(),
  /** null for (0, 0), where nobody is flagged. */
  threshold: nullableNumber,
});
export type RocPoint = z.infer<typeof rocPointSchema>;

/** A point of a precision–recall curve at one threshold (highest threshold first, recall rising). */
export const prPointSchema = z.object({ recall: z.number(), precision: z.number(), threshold: z.number() });
export type PrPoint = z.infer<typeof prPointSchema>;

/** ROC and precision–recall curves on the validation snapshot, at most about 100 points each. */
export const curvesSchema = z.object({ roc: z.array(rocPointSchema), pr: z.array(prPointSchema) });
export type Curves = z.infer<typeof curvesSchema>;

/**
 * The curves of the shipped scorer (`model`) and of each baseline, keyed like `validation` and
 * `baselines`; `network` and `stack` for versions that compared them too.
 */
export const modelCurvesSchema = z.object({
  model: curvesSchema,
  recency: curvesSchema,
  rfmLogistic: curvesSchema,
  bgnbd: curvesSchema,
  gbt: curvesSchema,
  network: curvesSchema.optional(),
  stack: curvesSchema.optional(),
});
export type ModelCurves = z.infer<typeof modelCurvesSchema>;

/**
 * Global importance of one reason group: the mean absolute change in the churn log-odds when the
 * group's inputs are set to the population's average (the occlusion the reasons come from).
 */
export const groupImportanceSchema = z.object({
  /** Reason group code, as in `reasonCodes` (recency, activity, frequency, …). */
  group: z.string(),
  /** What the dashboard shows, in the reasons' words ("Days since last order"). */
  label: z.string(),
  /** Mean |Δ log-odds of churn| over the customers. */
  importance: z.number(),
  /** Share of the customers whose log-odds the group raises by at least the reasons' threshold (0.1). */
  raisesRiskShare: z.number(),
});
export type GroupImportance = z.infer<typeof groupImportanceSchema>;

export const featureImportanceSchema = z.object({
  method: z.literal('mean-abs-occlusion'),
  unit: z.literal('log-odds'),
  /** The customers it is averaged over: those of the validation snapshot (an even sample). */
  population: z.literal('validation'),
  rows: z.number(),
  /** Most important first. */
  groups: z.array(groupImportanceSchema),
});
export type FeatureImportance = z.infer<typeof featureImportanceSchema>;

/**
 * The scorers a training compares out of time, one of which becomes the active scorer: the stacked
 * model (a logistic meta-learner over the others' outputs), the network and the boosted trees (both
 * learned from labels), and the baselines RFM logistic regression, BG/NBD and days since last order.
 */
export const CANDIDATE_NAMES = ['stack', 'network', 'gbt', 'rfmLogistic', 'bgnbd', 'recency'] as const;
export const candidateNameSchema = z.enum(CANDIDATE_NAMES);
export type CandidateName = z.infer<typeof candidateNameSchema>;

/** What the dashboard and the CLI call each scorer. */
export const CANDIDATE_LABELS: Readonly<Record<CandidateName, string>> = {
  stack: 'Stacked model',
  network: 'Neural network',
  gbt: 'Gradient-boosted trees',
  rfmLogistic: 'RFM logistic regression',
  bgnbd: 'BG/NBD',
  recency: 'Days since last order',
};

/** A figure with its standard error and a 95 % interval (null where it is undefined, e.g. one class). */
export const intervalSchema = z.object({
  value: nullableNumber,
  se: nullableNumber,
  lower: nullableNumber,
  upper: nullableNumber,
});
export type Interval = z.infer<typeof intervalSchema>;

/** One candidate scorer judged on the pooled out-of-time rows. */
export const candidateSchema = z.object({
  name: candidateNameSchema,
  label: z.string(),
  /** Learned from churn labels (stack, network, trees); the baselines are the others. */
  learned: z.boolean(),
  metrics: metricsSchema,
  /** ROC AUC with its DeLong standard error. */
  auc: intervalSchema,
  /** PR AUC (average precision) with the logit-normal approximation of its standard error. */
  prAuc: intervalSchema,
  /** Brier score with the standard error of the mean squared error. */
  brier: intervalSchema,
  /**
   * This candidate's AUC minus the selected scorer's on the same rows, with the DeLong standard error
   * of that paired difference (null for the selected scorer itself).
   */
  versusSelected: z.object({ difference: z.number(), se: z.number() }).nullable(),
});
export type Candidate = z.infer<typeof candidateSchema>;

/** One rolling origin: a snapshot the candidates were fitted before and judged at. */
export const originSchema = z.object({
  snapshot: isoDay,
  /** Customers judged at the snapshot (labels: no order in the horizon after it). */
  rows: z.number(),
  churnRate: z.number(),
  /** Labelled customer-snapshots the learners were fitted on, all from earlier snapshots. */
  trainingRows: z.number(),
  trainingSnapshots: z.array(isoDay),
});
export type Origin = z.infer<typeof originSchema>;

/** Which scorer is active, and why. */
export const selectionSchema = z.object({
  name: candidateNameSchema,
  label: z.string(),
  /** One sentence: the winner, its pooled AUC, the runner-up's, and how sure that is. */
  reason: z.string(),
  /** The rule, as the README states it. */
  rule: z.string(),
  /** Plain words when the data is too small for the differences to mean much; else null. */
  warning: z.string().nullable(),
  /** Rows pooled over the origins, and the origins' snapshot dates (newest first). */
  rows: z.number(),
  snapshots: z.array(isoDay),
  runnerUp: candidateNameSchema.nullable(),
  /** The selected AUC minus the runner-up's, with the standard error of that paired difference. */
  margin: z.object({ difference: z.number(), se: z.number() }).nullable(),
});
export type Selection = z.infer<typeof selectionSchema>;

/** Everything stored with a model version about how it was trained and how well it did. */
export const modelEvaluationSchema = z.object({
  validation: metricsSchema,
  baselines: baselineMetricsSchema,
  snapshots: z.object({ validation: isoDay, training: z.array(isoDay) }),
  rows: z.object({
    training: z.number(),
    holdout: z.number(),
    validation: z.number(),
    final: z.number(),
    finalHoldout: z.number(),
  }),
  epochs: z.object({ validationFit: z.number(), finalFit: z.number() }),
  history: z.object({ validationFit: z.array(epochStatsSchema), finalFit: z.array(epochStatsSchema) }),
  seasonal: z.boolean(),
  notes: z.array(z.string()),
  /** null for versions trained before curves were stored. */
  curves: modelCurvesSchema.nullable().default(null),
  /** null for versions trained before importance was stored. */
  featureImportance: featureImportanceSchema.nullable().default(null),
  /** Every candidate on the pooled out-of-time rows; null for versions trained before the selection. */
  candidates: z.array(candidateSchema).nullable().default(null),
  /** The active scorer and why; null for versions trained before the selection (a network). */
  selection: selectionSchema.nullable().default(null),
  /** The rolling origins the candidates were judged at, newest first; null before the selection. */
  origins: z.array(originSchema).nullable().default(null),
});
export type ModelEvaluation = z.infer<typeof modelEvaluationSchema>;

export const featureInfoSchema = z.object({
  name: z.string(),
  group: z.string().nullable(),
  description: z.string(),
});
export type FeatureInfo = z.infer<typeof featureInfoSchema>;

export const modelSummarySchema = z.object({
  modelId: z.string(),
  createdAt: z.string(),
  asOf: isoDay,
  horizonDays: z.number(),
  dataVersion: z.number(),
  backend: z.string(),
  status: z.string(),
  trainSeconds: z.number(),
  /** The active scorer's pooled out-of-time AUC (older versions: the network's on T − H). */
  validationAuc: nullableNumber,
  bgnbdAuc: nullableNumber,
  /** The scorer this version scores customers with ('network' for versions before the selection). */
  scorer: candidateNameSchema,
  /** The as-of dates this model has scored customers at, newest first. */
  scoredAsOf: z.array(isoDay),
  /** True for the model whose scores `latest_scores` serves. */
  active: z.boolean(),
});
export type ModelSummary = z.infer<typeof modelSummarySchema>;

export const modelDetailSchema = modelSummarySchema.extend({
  features: z.array(featureInfoSchema),
  evaluation: modelEvaluationSchema,
});
export type ModelDetail = z.infer<typeof modelDetailSchema>;

export const trainInputSchema = z.object({
  asOf: isoDay.optional(),
  horizonDays: horizonDaysSchema.default(HORIZON_DAYS.default),
  seed: trainingSeedSchema.default(TRAINING_SEED.default),
});
export type TrainInput = z.infer<typeof trainInputSchema>;

export const TRAINING_PHASES = [
  'features',
  'validation-fit',
  'baselines',
  'final-fit',
  'scoring',
  'saving',
  'done',
  'failed',
] as const;
export type TrainingPhase = (typeof TRAINING_PHASES)[number];

/** One progress report of a training run. */
export const trainingEventSchema = z.object({
  jobId: z.string(),
  phase: z.enum(TRAINING_PHASES),
  message: z.string(),
  /** 0–100, a rough share of the run's time. */
  percent: z.number(),
  epoch: z.number().optional(),
  loss: z.number().optional(),
  /** ROC AUC on the early-stopping slice of the training snapshots (never the validation snapshot). */
  holdoutAuc: z.number().nullable().optional(),
  modelId: z.string().optional(),
  error: z.string().optional(),
  /** A failure caused by a setting (too long a horizon for the history), for the page to word. */
  problem: parameterProblemSchema.optional(),
});
export type TrainingEvent = z.infer<typeof trainingEventSchema>;

export const SCORE_SORTS = [
  'value_at_risk',
  'churn_probability',
  'expected_revenue_12m',
  'customer_id',
] as const;

export const scoresListInputSchema = z.object({
  /** Default: the scores `latest_scores` serves. */
  modelId: z.string().min(1).optional(),
  asOf: isoDay.optional(),
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(500).default(50),
  sort: z.enum(SCORE_SORTS).default('value_at_risk'),
  direction: z.enum(['asc', 'desc']).default('desc'),
  segment: z.array(z.string().min(1)).max(20).optional(),
  minProbability: z.number().min(0).max(1).optional(),
  maxProbability: z.number().min(0).max(1).optional(),
  /** Reason group codes (recency, activity, complaints, …): customers with any of them. */
  reason: z.array(z.string().min(1)).max(20).optional(),
  /** Prefix of the customer id. */
  search: z.string().max(100).optional(),
});
export type ScoresListInput = z.input<typeof scoresListInputSchema>;

export const scoreRowSchema = z.object({
  customerId: z.string(),
  churnProbability: z.number(),
  expectedRevenue12m: z.number(),
  valueAtRisk: z.number(),
  segment: z.string(),
  rfm: z.string(),
  reasons: z.array(z.string()),
  reasonCodes: z.array(z.string()),
});
export type ScoreRow = z.infer<typeof scoreRowSchema>;

export const scoresPageSchema = z.object({
  modelId: z.string().nullable(),
  asOf: isoDay.nullable(),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  rows: z.array(scoreRowSchema),
});
export type ScoresPage = z.infer<typeof scoresPageSchema>;

export const customerScoreInputSchema = z.object({
  customerId: z.string().min(1).max(200),
  modelId: z.string().min(1).optional(),
});

export const customerScoreSchema = z.object({
  customerId: z.string(),
  profile: z
    .object({
      name: z.string().nullable(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      region: z.string().nullable(),
      channel: z.string().nullable(),
      signupDate: z.string().nullable(),
    })
    .nullable(),
  score: scoreRowSchema
    .extend({ modelId: z.string(), asOf: isoDay, reasonImpacts: z.array(z.number()) })
    .nullable(),
  orders: z.array(
    z.object({ orderId: z.string(), orderedAt: z.string(), value: z.number(), lines: z.number() }),
  ),
  complaints: z.array(
    z.object({
      complaintId: z.string(),
      openedAt: z.string(),
      resolvedAt: z.string().nullable(),
      category: z.string().nullable(),
      severity: z.number().nullable(),
    }),
  ),
  returns: z.array(
    z.object({
      returnId: z.string(),
      orderId: z.string().nullable(),
      returnedAt: z.string(),
      amount: z.number(),
    }),
  ),
});
export type CustomerScore = z.infer<typeof customerScoreSchema>;

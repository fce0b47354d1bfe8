import { z } from 'zod';

/*
 * The retention program: saved call lists with their control groups, and what the calls measurably
 * changed. Shared by the api, the dashboard and the CLI; definitions in README.md, "Measuring the
 * retention program".
 */

/** The share of a list's customers held back uncalled, when nobody says otherwise. */
export const DEFAULT_CONTROL_SHARE = 0.1;
/** More than half held back would leave the team too few calls to make. */
export const MAX_CONTROL_SHARE = 0.5;
/** Days after the list's date within which an order counts the customer as retained. */
export const DEFAULT_PROGRAM_HORIZON_DAYS = 90;
/**
 * P(a call changes the outcome) before any list with a control group has matured: a prior the team
 * sets. Published retention-call programmes report a few to twenty points of retention; 10 % is
 * the middle.
 */
export const DEFAULT_CALL_EFFECT = 0.1;

/**
 * "Lost", not "at risk": no order for more than LOST_MIN_DAYS and for more than LOST_GAP_MULTIPLE
 * times the customer's usual gap (the average days between their orders); a customer with a single
 * order has no gap yet and is lost after LOST_SINGLE_ORDER_DAYS. Lost customers go on the win-back
 * list; the at-risk list is for those who can still be kept.
 */
export const LOST_MIN_DAYS = 180;
export const LOST_GAP_MULTIPLE = 3;
export const LOST_SINGLE_ORDER_DAYS = 365;

export const LIST_KINDS = ['at-risk', 'win-back'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

export const controlShareSchema = z
  .number({ error: 'must be a share from 0 to 0.5' })
  .min(0, { error: (issue) => `must be a share from 0 to 0.5 (got ${String(issue.input)})` })
  .max(MAX_CONTROL_SHARE, {
    error: (issue) =>
      `must be at most 0.5: more than half held back leaves too few calls (got ${String(issue.input)})`,
  });

export const callEffectSchema = z
  .number({ error: 'must be a probability from 0 to 1' })
  .gt(0, { error: (issue) => `must be above 0 and at most 1 (got ${String(issue.input)})` })
  .max(1, { error: (issue) => `must be above 0 and at most 1 (got ${String(issue.input)})` });

export const listIdSchema = z
  .string()
  .trim()
  .regex(/^L-[0-9]{8}-[0-9a-z]{6}$/, { error: 'must be a list id such as L-20260930-k3x9qa' });

/** How a list is saved beside its filters: the held-back share and the measurement horizon. */
export const listSettingsSchema = z
  .object({
    controlShare: controlShareSchema.default(DEFAULT_CONTROL_SHARE),
    horizonDays: z.number().int().min(7).max(730).default(DEFAULT_PROGRAM_HORIZON_DAYS),
  })
  .strict();
export type ListSettings = z.infer<typeof listSettingsSchema>;

export const savedListSchema = z.object({
  listId: z.string(),
  /** The day the ranking is true at (the churn scores' as-of date), YYYY-MM-DD. */
  date: z.string(),
  kind: z.enum(LIST_KINDS),
  horizonDays: z.number().int(),
  controlShare: z.number(),
  treated: z.number().int(),
  control: z.number().int(),
  /** The first day the list's effect can be measured: date + horizon, once orders reach it. */
  measurableFrom: z.string(),
  /** The churn model (scorer version) that ranked the list; null for lists from elsewhere. */
  modelId: z.string().nullable(),
  /** The team's capacity (or top) the list was cut to; null for the whole list. */
  capacity: z.number().int().nullable(),
  filters: z.record(z.string(), z.unknown()),
  /** What ranked the list: the prior P(a call changes the outcome), or the uplift model. */
  callEffect: z.union([z.number(), z.literal('uplift-model')]),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
});
export type SavedList = z.infer<typeof savedListSchema>;

/** Retention and revenue of one group within the horizon. */
export const armOutcomeSchema = z.object({
  customers: z.number().int(),
  retained: z.number().int(),
  /** Share with any order within the horizon after the list's date. */
  rate: z.number(),
  /** Revenue within the horizon per customer. */
  revenuePerCustomer: z.number(),
});

export const effectSchema = z.object({
  /** Retention of the treated (intention to treat: everyone on the list to call, reached or not). */
  treatedRate: z.number(),
  controlRate: z.number(),
  /** treatedRate − controlRate, with its 95 % interval [lower, upper]. */
  difference: z.number(),
  lower: z.number(),
  upper: z.number(),
  /** difference × treated customers, with its interval. */
  customersSaved: z.number(),
  customersSavedLower: z.number(),
  customersSavedUpper: z.number(),
  treatedRevenuePerCustomer: z.number(),
  controlRevenuePerCustomer: z.number(),
  /** (revenue per treated − per control customer) × treated customers, with its interval. */
  revenueSaved: z.number(),
  revenueSavedLower: z.number(),
  revenueSavedUpper: z.number(),
  treatedCustomers: z.number().int(),
  controlCustomers: z.number().int(),
  /** False while the interval includes no effect: the difference cannot be told from noise yet. */
  conclusive: z.boolean(),
});
export type Effect = z.infer<typeof effectSchema>;

export const programListSchema = savedListSchema.extend({
  /** Null until the horizon has passed (see `status`), or when there is no control group. */
  effect: effectSchema.nullable(),
  /** Only the treated with a recorded call outcome other than no answer, against the whole control group. */
  contacted: effectSchema.nullable(),
  status: z.enum(['measured', 'pending', 'no-control']),
  /** In words: what was measured, when it will be measurable, or why it cannot be. */
  note: z.string(),
});
export type ProgramList = z.infer<typeof programListSchema>;

export const programReportSchema = z.object({
  /** The last day with orders: a list is measured once it is at least date + horizon. */
  dataEnd: z.string().nullable(),
  lists: z.array(programListSchema),
  /** Over every measured list, each weighted by its treated customers; null before any. */
  pooled: effectSchema.extend({ lists: z.number().int() }).nullable(),
  pooledContacted: effectSchema.extend({ lists: z.number().int() }).nullable(),
});
export type ProgramReport = z.infer<typeof programReportSchema>;

export const programInputSchema = z.object({ listId: listIdSchema.optional() }).strict();

/**
 * The uplift model replaces the prior once this many lists with a control group have matured,
 * holding at least MIN_UPLIFT_CONTROL control customers between them: fewer, and the two models'
 * difference is mostly noise.
 */
export const MIN_UPLIFT_LISTS = 3;
export const MIN_UPLIFT_CONTROL = 300;

export const upliftModelSchema = z.object({
  features: z.array(z.string()),
  mean: z.array(z.number()),
  scale: z.array(z.number()),
  treated: z.array(z.number()),
  control: z.array(z.number()),
});

const qiniSchema = z.object({
  points: z.array(z.object({ share: z.number(), gain: z.number() })),
  coefficient: z.number(),
  topDeciles: z.array(z.object({ share: z.number(), uplift: z.number().nullable() })),
});
export type Qini = z.infer<typeof qiniSchema>;

/** Out of time: fitted on the earlier matured lists, judged on the latest ones. */
export const upliftEvaluationSchema = z.object({
  trainLists: z.array(z.string()),
  testLists: z.array(z.string()),
  trainCustomers: z.number().int(),
  testCustomers: z.number().int(),
  uplift: qiniSchema,
  churnProbability: qiniSchema,
  valueAtRisk: qiniSchema,
});
export type UpliftEvaluation = z.infer<typeof upliftEvaluationSchema>;

export const upliftStatusSchema = z.object({
  source: z.enum(['prior', 'uplift-model']),
  prior: z.number(),
  /** Matured lists with a control group, and their control customers, against the thresholds. */
  maturedLists: z.number().int(),
  controlCustomers: z.number().int(),
  minLists: z.number().int(),
  minControl: z.number().int(),
  fittedAt: z.string().nullable(),
  evaluation: upliftEvaluationSchema.nullable(),
});
export type UpliftStatus = z.infer<typeof upliftStatusSchema>;

import { z } from 'zod';
import { DRILLDOWN_SORTS } from './drilldown.ts';
import { isoDaySchema as isoDay, withinDaysSchema } from './parameterSchemas.ts';

/*
 * Inputs and outputs of the cohort, repeat-purchase, impact and KPI analytics, shared by the api,
 * the dashboard and the CLI. The definitions behind every figure are in README.md, "Retention analytics".
 */

/** Calendar periods (UTC). Weeks are ISO weeks: Monday to Sunday, labelled by ISO week-year. */
export const PERIODS = ['day', 'week', 'month', 'quarter'] as const;
export const periodSchema = z.enum(PERIODS);
export type Period = z.infer<typeof periodSchema>;

/** Customer attributes a cohort can be instead of a period; all are taken from the first order. */
export const COHORT_ATTRIBUTES = ['channel', 'region', 'category', 'complainedEarly'] as const;
export const cohortAttributeSchema = z.enum(COHORT_ATTRIBUTES);
export type CohortAttribute = z.infer<typeof cohortAttributeSchema>;

export const cohortMetricSchema = z.enum(['customers', 'orders', 'revenue']);
export type CohortMetric = z.infer<typeof cohortMetricSchema>;

export const retentionModeSchema = z.enum(['on', 'onOrAfter']);
export type RetentionMode = z.infer<typeof retentionModeSchema>;

const values = z.array(z.string().min(1)).min(1).max(100);

/**
 * Filters every analytics query takes. `from`/`to` select customers by the date of their first
 * order and `to` also ends the observation; channel, region and category match the customer's
 * first order; `complained` keeps customers with (true) or without (false) a complaint.
 */
export const analyticsFiltersSchema = z
  .object({
    from: isoDay.optional(),
    to: isoDay.optional(),
    channel: values.optional(),
    region: values.optional(),
    category: values.optional(),
    complained: z.boolean().optional(),
  })
  .strict()
  .refine((f) => f.from === undefined || f.to === undefined || f.from <= f.to, {
    message: '`from` must not be after `to`',
    path: ['from'],
  });
export type AnalyticsFilters = z.infer<typeof analyticsFiltersSchema>;

const filters = analyticsFiltersSchema.default({});

export const cohortMatrixInputSchema = z
  .object({
    period: periodSchema.default('month'),
    /** Group customers by an attribute instead of by the period of their first order. */
    by: cohortAttributeSchema.optional(),
    metric: cohortMetricSchema.default('customers'),
    mode: retentionModeSchema.default('on'),
    /** Revenue only: subtract returns dated in each offset. */
    net: z.boolean().default(false),
    minCohortSize: z.number().int().min(1).default(30),
    /** Drop offsets above this (the matrix of daily cohorts over years is large). */
    maxOffset: z.number().int().min(0).optional(),
    /** Add `cells` to every cohort: observed values, and forecasts with 80 % intervals. */
    forecast: z.boolean().default(false),
    /** Forecast periods up to the one holding this day; by default 12 periods past the data's end. */
    through: isoDay.optional(),
    filters,
  })
  .strict()
  .refine((q) => q.through === undefined || q.forecast, {
    message: '`through` is the end of the forecasts: ask for `forecast` too',
    path: ['through'],
  });
export type CohortMatrixInput = z.input<typeof cohortMatrixInputSchema>;
export type CohortMatrixQuery = z.output<typeof cohortMatrixInputSchema>;

/** The same as the matrix, pooled over first-order periods: one curve overall, or one per attribute value. */
export const cohortCurvesInputSchema = cohortMatrixInputSchema;
export type CohortCurvesInput = CohortMatrixInput;

/**
 * `observed`: a complete period, its value and (customers) its 80 % Wilson interval. `incomplete`:
 * the period under way; the value is the forecast of where it ends, never below the value so far.
 * `forecast`: a period not begun; the model's expected value and its 80 % interval.
 */
export const FORECAST_KINDS = ['observed', 'incomplete', 'forecast'] as const;
export const forecastKindSchema = z.enum(FORECAST_KINDS);
export type ForecastKind = z.infer<typeof forecastKindSchema>;

export const forecastCellSchema = z.object({
  k: z.number().int(),
  value: z.number(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  kind: forecastKindSchema,
});
export type ForecastCell = z.infer<typeof forecastCellSchema>;

/** One row of a matrix (a cohort) or one curve; arrays are indexed by offset. */
export const cohortRowSchema = z.object({
  cohort: z.string(),
  /** Customers in the cohort. */
  size: z.number().int(),
  /** size < minCohortSize: too few customers to read much into. */
  small: z.boolean(),
  /** null where the ratio is undefined (no base, or revenue with zero offset-0 revenue). */
  values: z.array(z.number().nullable()),
  /** false where the offset's period had not ended by the data's end: a value so far, not final. */
  complete: z.array(z.boolean()),
  /** The numerator: customers active, orders, or revenue (net of returns with `net`). */
  counts: z.array(z.number()),
  /** Customers the value is over: the cohort, or for pooled cohorts those observed for the whole offset. */
  bases: z.array(z.number().int()),
  /** 95 % Wilson interval of a `customers` value; null for the other metrics. */
  low: z.array(z.number().nullable()).nullable(),
  high: z.array(z.number().nullable()).nullable(),
  /** With `forecast`: one cell per offset up to `through` that has a value (README, "Forecasts"). */
  cells: z.array(forecastCellSchema).optional(),
  /**
   * With `forecast`: whether the cohort's forecasts rest on its own level ("cohort") or on the
   * pooled one ("pooled": under `minCohortSize` customers, or no complete period after the first).
   */
  forecastBasis: z.enum(['cohort', 'pooled']).optional(),
});
export type CohortRow = z.infer<typeof cohortRowSchema>;

/** How a matrix's forecasts were made, and how far they reach. */
export const forecastSummarySchema = z.object({
  /** "activity": share buying in the period (BG/BB purchase process); "survival": sBG, in it or later. */
  model: z.enum(['activity', 'survival']),
  /** Last day of the last period forecast. */
  through: z.string(),
  /** The oldest age forecast: the oldest complete age seen in the data plus half of it (null: none). */
  horizon: z.number().int().nullable(),
  /** The oldest complete age after the first period in any cohort. */
  oldestAge: z.number().int(),
  /** Cohorts whose forecasts borrow the pooled level. */
  pooledCohorts: z.array(z.string()),
  /** Why there are no forecasts, when there are none. */
  note: z.string().nullable(),
});
export type ForecastSummary = z.infer<typeof forecastSummarySchema>;

export const cohortMatrixSchema = z.object({
  period: periodSchema,
  by: z.union([z.literal('period'), cohortAttributeSchema]),
  metric: cohortMetricSchema,
  mode: retentionModeSchema,
  net: z.boolean(),
  /** Last day the data covers (YYYY-MM-DD): min(latest order day, `to`). */
  dataEnd: z.string().nullable(),
  minCohortSize: z.number().int(),
  cohorts: z.array(cohortRowSchema),
  /** With `forecast`. */
  forecast: forecastSummarySchema.optional(),
});
export type CohortMatrix = z.infer<typeof cohortMatrixSchema>;

export const cohortCurvesSchema = cohortMatrixSchema
  .omit({ by: true, cohorts: true })
  .extend({ by: z.union([z.literal('all'), cohortAttributeSchema]), curves: z.array(cohortRowSchema) });
export type CohortCurves = z.infer<typeof cohortCurvesSchema>;

export const trendInputSchema = z
  .object({
    /** The age the trend reads: 1 = the period after the first. */
    age: z.number().int().min(0).max(1000).default(1),
    period: periodSchema.default('month'),
    mode: retentionModeSchema.default('on'),
    minCohortSize: z.number().int().min(1).default(30),
    /** Forecast cohorts up to the one starting in the period holding this day. */
    through: isoDay.optional(),
    filters,
  })
  .strict();
export type TrendInput = z.input<typeof trendInputSchema>;
export type TrendQuery = z.output<typeof trendInputSchema>;

export const trendPointSchema = z.object({
  cohort: z.string(),
  size: z.number().int(),
  value: z.number(),
  /** 80 % interval: Wilson for observed points, the model's for forecasts. */
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  kind: forecastKindSchema,
});
export type TrendPoint = z.infer<typeof trendPointSchema>;

export const trendSchema = z.object({
  period: periodSchema,
  age: z.number().int(),
  mode: retentionModeSchema,
  dataEnd: z.string().nullable(),
  minCohortSize: z.number().int(),
  points: z.array(trendPointSchema),
  /**
   * Least-squares line through the observed points of cohorts of at least `minCohortSize`, weighted
   * by size: the change per cohort (a share) and the line's value at each of those cohorts.
   */
  trend: z
    .object({
      slopePerCohort: z.number(),
      line: z.array(z.object({ cohort: z.string(), value: z.number() })),
    })
    .nullable(),
  /**
   * The latest cohort observed at `age` against the mean of the (up to) six before it that are
   * observed there too: the Overview's "month-1 retention" headline with age 1 by month.
   */
  latest: z
    .object({
      cohort: z.string(),
      value: z.number(),
      previousMean: z.number().nullable(),
      previousCohorts: z.array(z.string()),
      /** value − previousMean, in shares. */
      delta: z.number().nullable(),
    })
    .nullable(),
  forecast: forecastSummarySchema.nullable(),
});
export type Trend = z.infer<typeof trendSchema>;

export const cohortCustomersInputSchema = z
  .object({
    period: periodSchema.default('month'),
    by: cohortAttributeSchema.optional(),
    /** The cohort label as the matrix gives it, e.g. "2024-01", "2024-W01", "web". */
    cohort: z.string().min(1),
    /** Without an offset: every customer of the cohort. */
    offset: z.number().int().min(0).optional(),
    mode: retentionModeSchema.default('on'),
    /** Customers counted in the cell (active) or the rest of its base (inactive). */
    status: z.enum(['active', 'inactive']).default('active'),
    sort: z.enum(DRILLDOWN_SORTS).default('revenue'),
    direction: z.enum(['asc', 'desc']).default('desc'),
    page: z.number().int().min(1).default(1),
    pageSize: z.number().int().min(1).max(1000).default(50),
    filters,
  })
  .strict();
export type CohortCustomersInput = z.input<typeof cohortCustomersInputSchema>;
export type CohortCustomersQuery = z.output<typeof cohortCustomersInputSchema>;

export const cohortCustomerSchema = z.object({
  customerId: z.string(),
  /** ISO timestamps (UTC). */
  firstOrder: z.string(),
  lastOrder: z.string(),
  orders: z.number().int(),
  revenue: z.number(),
  complaints: z.number().int(),
  returns: z.number().int(),
});
export type CohortCustomer = z.infer<typeof cohortCustomerSchema>;

export const cohortCustomersSchema = z.object({
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  rows: z.array(cohortCustomerSchema),
});
export type CohortCustomers = z.infer<typeof cohortCustomersSchema>;

export const repeatInputSchema = z
  .object({
    /** Count a second order only within this many days of the first. */
    withinDays: withinDaysSchema.optional(),
    period: periodSchema.default('month'),
    by: cohortAttributeSchema.optional(),
    filters,
  })
  .strict();
export type RepeatInput = z.input<typeof repeatInputSchema>;
export type RepeatQuery = z.output<typeof repeatInputSchema>;

export const repeatRateSchema = z.object({
  /** Customers in the denominator. */
  customers: z.number().int(),
  repeaters: z.number().int(),
  /** repeaters / customers; null without customers. */
  rate: z.number().nullable(),
  /** With withinDays: customers whose first order is too recent to tell, left out of `customers`. */
  tooRecent: z.number().int(),
});
export type RepeatRate = z.infer<typeof repeatRateSchema>;

/** Bins of whole days: `from` inclusive, `to` inclusive, null = open-ended. */
export const dayHistogramSchema = z.object({
  count: z.number().int(),
  median: z.number().nullable(),
  bins: z.array(
    z.object({ from: z.number().int(), to: z.number().int().nullable(), count: z.number().int() }),
  ),
});
export type DayHistogram = z.infer<typeof dayHistogramSchema>;

export const repeatSchema = z.object({
  withinDays: z.number().int().nullable(),
  period: periodSchema,
  by: z.union([z.literal('period'), cohortAttributeSchema]),
  dataEnd: z.string().nullable(),
  overall: repeatRateSchema,
  cohorts: z.array(repeatRateSchema.extend({ cohort: z.string() })),
  /** Days from the first to the second order, over customers with a second order. */
  daysToSecondOrder: dayHistogramSchema,
  /** Days between consecutive orders, over every pair. */
  gapDays: dayHistogramSchema,
  /** Customers by number of orders; the last entry is "10 or more". */
  ordersPerCustomer: z.object({
    mean: z.number().nullable(),
    counts: z.array(z.object({ orders: z.string(), customers: z.number().int() })),
  }),
});
export type Repeat = z.infer<typeof repeatSchema>;

export const impactInputSchema = z
  .object({
    period: periodSchema.default('month'),
    mode: retentionModeSchema.default('on'),
    withinDays: withinDaysSchema.optional(),
    maxOffset: z.number().int().min(0).optional(),
    minCohortSize: z.number().int().min(1).default(30),
    filters,
  })
  .strict();
export type ImpactInput = z.input<typeof impactInputSchema>;
export type ImpactQuery = z.output<typeof impactInputSchema>;

export const COMPLAINT_EXPERIENCES = [
  'none',
  'resolved ≤ 2 days',
  'resolved ≤ 7 days',
  'resolved > 7 days',
  'unresolved',
] as const;

/** Customers of one resolution-speed group, and how many of them ordered again in the window. */
const comebackSchema = z.object({
  customers: z.number().int(),
  /** Ordered again within `windowDays` after the day their first complaint was opened. */
  returned: z.number().int(),
  /** returned / customers; null without customers. */
  rate: z.number().nullable(),
});

/** Activity at the time of the first complaint: orders placed by then, and days since the first order. */
export const PRIOR_ORDER_BANDS = ['1', '2', '3–4', '5–9', '10+'] as const;
export const TENURE_BANDS = ['< 90 days', '90–364 days', '1 year +'] as const;

export const resolutionSpeedSchema = z.object({
  /** Days after the complaint's opening day in which an order counts as coming back. */
  windowDays: z.number().int(),
  /** A first complaint resolved within this many days (48 hours) is fast; later or never, slow. */
  fastWithinDays: z.number().int(),
  /** Complaints opened on or before this day (the data's end − windowDays), so every window is whole. */
  openedBy: z.string().nullable(),
  /** Unadjusted shares who came back. */
  fast: comebackSchema,
  slow: comebackSchema,
  /**
   * Exposure-matched: within each stratum of prior orders × tenure holding both groups, the two
   * rates; standardised over those strata, weighted by each stratum's customers. `difference` is
   * fast − slow with a 95 % interval (normal approximation); null without a stratum holding both.
   */
  matched: z
    .object({
      fastRate: z.number(),
      slowRate: z.number(),
      difference: z.number(),
      low: z.number(),
      high: z.number(),
      /** Customers in the strata compared. */
      customers: z.number().int(),
      /** Customers left out: their stratum holds only one of the groups. */
      unmatched: z.number().int(),
    })
    .nullable(),
  strata: z.array(
    z.object({
      priorOrders: z.enum(PRIOR_ORDER_BANDS),
      tenure: z.enum(TENURE_BANDS),
      fast: comebackSchema,
      slow: comebackSchema,
    }),
  ),
});
export type ResolutionSpeed = z.infer<typeof resolutionSpeedSchema>;

export const impactSchema = z.object({
  period: periodSchema,
  mode: retentionModeSchema,
  dataEnd: z.string().nullable(),
  /** `customers` retention curves pooled over cohorts, one per complaint experience. */
  byComplaint: z.array(cohortRowSchema),
  /** The same split by whether the customer returned anything ("returned" / "no return"). */
  byReturn: z.array(cohortRowSchema),
  /** Per first-order period: returned value / order revenue. */
  returnRateByCohort: z.array(
    z.object({
      cohort: z.string(),
      customers: z.number().int(),
      revenue: z.number(),
      returned: z.number(),
      rate: z.number().nullable(),
    }),
  ),
  /**
   * The raw comparison: complainers (any complaint by the end) against everyone else. Customers who
   * order more have more occasions to complain, so it mixes loyalty with exposure; see
   * `resolutionSpeed` for the comparison at equal activity.
   */
  repeatByComplaint: z.object({
    withinDays: z.number().int().nullable(),
    complainers: repeatRateSchema,
    others: repeatRateSchema,
  }),
  /** Whether resolving a customer's first complaint fast keeps them, at equal activity. */
  resolutionSpeed: resolutionSpeedSchema,
});
export type Impact = z.infer<typeof impactSchema>;

export const kpisInputSchema = z
  .object({
    /** Defaults to the data's end (or `filters.to`). */
    asOf: isoDay.optional(),
    filters,
  })
  .strict();
export type KpisInput = z.input<typeof kpisInputSchema>;
export type KpisQuery = z.output<typeof kpisInputSchema>;

export const kpiSchema = z.object({
  value: z.number().nullable(),
  /** The same figure as of 90 days earlier. */
  previous: z.number().nullable(),
  /** value − previous (percentage points for shares). */
  delta: z.number().nullable(),
});
export type Kpi = z.infer<typeof kpiSchema>;

/** The customers a share is taken over: those with the defining event in [from, to] (inclusive days). */
export const kpiPopulationSchema = z.object({
  from: z.string(),
  to: z.string(),
  customers: z.number().int(),
});
export type KpiPopulation = z.infer<typeof kpiPopulationSchema>;

export const kpisSchema = z.object({
  asOf: z.string().nullable(),
  previousAsOf: z.string().nullable(),
  windowDays: z.number().int(),
  dataStart: z.string().nullable(),
  dataEnd: z.string().nullable(),
  kpis: z.object({
    /** Customers with at least one order in the 90 days to asOf. */
    activeCustomers: kpiSchema,
    /** Customers whose first order falls in the 90 days to asOf. */
    newCustomers: kpiSchema,
    /** Of customers acquired 180 to 90 days before asOf, the share with a second order within 90 days. */
    repeatRate90d: kpiSchema,
    /** Of customers active in the previous 90 days, the share with no order in the last 90. */
    churnRate: kpiSchema,
    /** Order value in the 90 days to asOf. */
    revenue: kpiSchema,
    /** Net revenue (orders − returns) in the last 12 months of the customers who bought in the 12 before, over theirs then. */
    netRevenueRetention12m: kpiSchema,
    /** Complaints opened in the window per order in the window. */
    complaintRate: kpiSchema,
    /** Median days from opening to resolution of complaints resolved in the window. */
    medianResolutionDays: kpiSchema,
    /** Returned value dated in the window / order value in the window. */
    returnRate: kpiSchema,
    /** Sum of value_at_risk over the churn scores in force at asOf (`atRiskScores`); null without them. */
    atRiskRevenue: kpiSchema,
  }),
  /**
   * Who the customer shares are over, as of asOf (null where the share is): churnRate over the
   * customers active in the 90 days before the last 90, repeatRate90d over those acquired then,
   * netRevenueRetention12m over those who bought in the year before the last.
   */
  populations: z.object({
    churnRate: kpiPopulationSchema.nullable(),
    repeatRate90d: kpiPopulationSchema.nullable(),
    netRevenueRetention12m: kpiPopulationSchema.nullable(),
  }),
  /**
   * The churn scores at-risk revenue sums: the newest model trained on data up to asOf, at its
   * latest score run on or before asOf, while its horizon still reaches asOf; null where none was.
   */
  atRiskScores: z
    .object({
      modelId: z.string(),
      asOf: z.string(),
      trainedAsOf: z.string(),
      horizonDays: z.number().int(),
    })
    .nullable(),
  /** Whether any churn model has scored customers at all: "no model yet" rather than "none for that day". */
  modelHasScored: z.boolean(),
});
export type Kpis = z.infer<typeof kpisSchema>;
export type KpiName = keyof Kpis['kpis'];

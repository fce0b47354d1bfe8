import { z } from 'zod';
import { OUTCOMES } from './outcomes.ts';
import {
  callEffectSchema,
  controlShareSchema,
  DEFAULT_CONTROL_SHARE,
  DEFAULT_PROGRAM_HORIZON_DAYS,
  LIST_KINDS,
} from './program.ts';

/*
 * Call lists and the outcomes of retention calls, shared by the api, the dashboard and the CLI.
 * What each column and filter means is in README.md, "At-risk call lists".
 */

export const outcomeSchema = z.enum(OUTCOMES);

export const customerIdSchema = z.string().trim().min(1).max(200);

const filterValue = z.string().trim().min(1).max(200);
/** A filter on a text column: one value, or a list of up to 50 (matching any of them). */
const oneOrSeveral = z.union([filterValue, z.array(filterValue).min(1).max(50)]);

/**
 * The calls a retention team makes in a week, and what the dashboard lists until asked for more:
 * one caller, about 40 calls a day (ten minutes each with notes), five days. The whole list of a
 * shop is tens of thousands of customers, which nobody calls.
 */
export const DEFAULT_CALL_CAPACITY = 200;

const MAX_CUT = 100_000_000;
/** A number of customers or calls: a whole number from 1, said in the error for what it counts. */
const cutSize = (what: string) =>
  z
    .number({ error: `must be a number of ${what}` })
    .int({ error: (issue) => `must be a whole number of ${what} (got ${String(issue.input)})` })
    .min(1, { error: (issue) => `must be at least 1: the number of ${what} (got ${String(issue.input)})` })
    .max(MAX_CUT, { error: `must be at most ${MAX_CUT.toLocaleString('en-US')}` });
const probability = z
  .number({ error: 'must be a probability from 0 to 1' })
  .min(0, { error: (issue) => `must be a probability from 0 to 1 (got ${String(issue.input)})` })
  .max(1, { error: (issue) => `must be a probability from 0 to 1 (got ${String(issue.input)})` });

const filterFields = {
  /** The first N of the ranked list. */
  top: cutSize('customers').optional(),
  /** How many customers the team can call: the same cut as `top`, reported as coverage of value at risk. */
  capacity: cutSize('calls').optional(),
  minProbability: probability.optional(),
  maxProbability: probability.optional(),
  /** Value at risk at least this much. */
  minValue: z.number().min(0).max(1e15).optional(),
  /** One RFM segment, or several (any of them). */
  segment: oneOrSeveral.optional(),
  /** One region, or several (any of them). */
  region: oneOrSeveral.optional(),
  /** true: only customers with an unresolved complaint; false: only those without; absent: anyone. */
  hasOpenComplaint: z.boolean().optional(),
  /** Leave out customers with any outcome recorded in the last D days. */
  excludeContactedDays: z.number().int().min(1).max(3650).optional(),
  /**
   * true: only customers with a phone number a dialler can call (one that reads as E.164), the
   * others counted as left out; false: only those without one; absent: anyone.
   */
  hasPhone: z.boolean().optional(),
  /**
   * The country a national phone number ("07700 900123") is read in when the customer's region
   * names none (ISO 3166-1 alpha-2, e.g. GB); absent: the country most international numbers are from.
   */
  phoneCountry: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, { error: 'must be a two-letter country code (ISO 3166-1), e.g. GB' })
    .transform((code) => code.toUpperCase())
    .optional(),
  /**
   * `at-risk` (default): customers who can still be kept; `win-back`: the lost, lapsed far beyond
   * their usual gap (LOST_* in program.ts).
   */
  kind: z.enum(LIST_KINDS).optional(),
  /** P(a call changes the outcome) for the expected saved value, until an uplift model replaces it. */
  callEffect: callEffectSchema.optional(),
};

type CutAndRange = {
  top?: number | undefined;
  capacity?: number | undefined;
  minProbability?: number | undefined;
  maxProbability?: number | undefined;
};
/** One cut, and a probability range that some probability can fall in: else an issue on the field. */
function checkCutAndRange(f: CutAndRange, ctx: z.RefinementCtx): void {
  if (f.top !== undefined && f.capacity !== undefined)
    ctx.addIssue({ code: 'custom', path: ['capacity'], message: 'choose top or capacity, not both' });
  if (f.minProbability !== undefined && f.maxProbability !== undefined && f.minProbability > f.maxProbability)
    ctx.addIssue({
      code: 'custom',
      path: ['maxProbability'],
      message: `must not be below the lowest probability asked for (${f.minProbability}): no churn probability is at least ${f.minProbability} and at most ${f.maxProbability}`,
    });
}

export const callListFiltersSchema = z.object(filterFields).strict().superRefine(checkCutAndRange);
export type CallListFilters = z.infer<typeof callListFiltersSchema>;

export const callListPageInputSchema = z
  .object({
    ...filterFields,
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict()
  .superRefine(checkCutAndRange);
export type CallListPageInput = z.input<typeof callListPageInputSchema>;

export const callListExportInputSchema = z
  .object({
    ...filterFields,
    bom: z.boolean().default(false),
    /** Held back uncalled as the list's control group (0–0.5). */
    controlShare: controlShareSchema.default(DEFAULT_CONTROL_SHARE),
    horizonDays: z.number().int().min(7).max(730).default(DEFAULT_PROGRAM_HORIZON_DAYS),
  })
  .strict()
  .superRefine(checkCutAndRange);

/** The columns of a call list, in CSV order. */
export const CALL_LIST_COLUMNS = [
  'rank',
  'customer_id',
  'name',
  'phone',
  'email',
  'churn_probability',
  'value_at_risk',
  'last_order_date',
  'orders',
  'open_complaints',
  'reasons',
  'last_contact',
  'last_outcome',
  'phone_e164',
  'segment',
  'standing',
] as const;

export const callListRowSchema = z.object({
  rank: z.number().int(),
  customerId: z.string(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  churnProbability: z.number(),
  valueAtRisk: z.number(),
  /** YYYY-MM-DD (UTC). */
  lastOrderDate: z.string().nullable(),
  /** Distinct orders. */
  orders: z.number().int(),
  openComplaints: z.number().int(),
  reasons: z.array(z.string()),
  /** ISO 8601, UTC. */
  lastContact: z.string().nullable(),
  lastOutcome: outcomeSchema.nullable(),
  /** The phone number as E.164 ("+447700900123"), for a dialler; null when it reads as none. */
  phoneE164: z.string().nullable(),
  /** RFM segment, as the segment filter takes it. */
  segment: z.string().nullable(),
  /** The segment as a retention team reads it, e.g. "Champion, slipping" (see segmentStanding). */
  standing: z.string().nullable(),
  /** P(a call changes the outcome): the prior, or the uplift model's estimate for this customer. */
  callEffect: z.number(),
  /** What a call can save: value at risk × callEffect, the list's ranking. */
  expectedSavedValue: z.number(),
});
export type CallListRow = z.infer<typeof callListRowSchema>;

export const callListSummarySchema = z.object({
  /** `top`, `capacity`, or `all` when neither was given. */
  cut: z.enum(['top', 'capacity', 'all']),
  /** Customers on the list: the eligible ones, cut to top/capacity. */
  listed: z.number().int(),
  /** Customers matching the filters who may be called, before the cut. */
  eligible: z.number().int(),
  excludedNoConsent: z.number().int(),
  excludedDoNotCall: z.number().int(),
  excludedRecentlyContacted: z.number().int(),
  /** Left out for want of a diallable phone number (with `hasPhone: true`). */
  excludedNoPhone: z.number().int(),
  /** Customers on the list without a diallable phone number. */
  listedWithoutPhone: z.number().int(),
  /** The country national phone numbers were read in where the region names none; null if unknown. */
  phoneCountry: z.string().nullable(),
  valueAtRiskListed: z.number(),
  valueAtRiskEligible: z.number(),
  modelId: z.string().nullable(),
  scoredAt: z.string().nullable(),
  /** `at-risk` or `win-back`. */
  kind: z.enum(LIST_KINDS),
  /** Customers matching the filters who belong on the other list (the lost, for the at-risk list). */
  onOtherList: z.number().int(),
  /** Where P(a call changes the outcome) comes from: the team's prior, or the uplift model. */
  callEffectSource: z.enum(['prior', 'uplift-model']),
  /** The prior in force (used for everyone until the uplift model replaces it). */
  callEffectPrior: z.number(),
  /** The sum of the listed customers' expected saved value. */
  expectedSavedListed: z.number(),
});
export type CallListSummary = z.infer<typeof callListSummarySchema>;

export const callListPageSchema = z.object({
  summary: callListSummarySchema,
  offset: z.number().int(),
  limit: z.number().int(),
  rows: z.array(callListRowSchema),
});
export type CallListPage = z.infer<typeof callListPageSchema>;

export const recordOutcomeInputSchema = z.object({
  customerId: customerIdSchema,
  outcome: outcomeSchema,
  note: z.string().trim().max(2000).optional(),
});

export const contactOutcomeSchema = z.object({
  customerId: z.string(),
  /** ISO 8601, UTC. */
  contactedAt: z.string(),
  outcome: outcomeSchema,
  note: z.string().nullable(),
  recordedBy: z.string().nullable(),
});
export type ContactOutcome = z.infer<typeof contactOutcomeSchema>;

import { z } from 'zod';
import { OUTCOMES } from './outcomes.ts';

/*
 * Call lists and the outcomes of retention calls, shared by the api, the dashboard and the CLI.
 * What each column and filter means is in README.md, "At-risk call lists".
 */

export const outcomeSchema = z.enum(OUTCOMES);

export const customerIdSchema = z.string().trim().min(1).max(200);

const filterValue = z.string().trim().min(1).max(200);
/** A filter on a text column: one value, or a list of up to 50 (matching any of them). */
const oneOrSeveral = z.union([filterValue, z.array(filterValue).min(1).max(50)]);

const filterFields = {
  /** The first N of the ranked list. */
  top: z.number().int().min(1).max(100_000_000).optional(),
  /** How many customers the team can call: the same cut as `top`, reported as coverage of value at risk. */
  capacity: z.number().int().min(1).max(100_000_000).optional(),
  minProbability: z.number().min(0).max(1).optional(),
  maxProbability: z.number().min(0).max(1).optional(),
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
};

type CutAndRange = {
  top?: number | undefined;
  capacity?: number | undefined;
  minProbability?: number | undefined;
  maxProbability?: number | undefined;
};
const oneCut = (f: CutAndRange) => f.top === undefined || f.capacity === undefined;
const oneCutIssue = { message: 'choose top or capacity, not both', path: ['capacity'] };
const probabilityRange = (f: CutAndRange) =>
  f.minProbability === undefined || f.maxProbability === undefined || f.minProbability <= f.maxProbability;
const probabilityRangeIssue = {
  message: 'maxProbability must be at least minProbability',
  path: ['maxProbability'],
};

export const callListFiltersSchema = z
  .object(filterFields)
  .strict()
  .refine(oneCut, oneCutIssue)
  .refine(probabilityRange, probabilityRangeIssue);
export type CallListFilters = z.infer<typeof callListFiltersSchema>;

export const callListPageInputSchema = z
  .object({
    ...filterFields,
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict()
  .refine(oneCut, oneCutIssue)
  .refine(probabilityRange, probabilityRangeIssue);
export type CallListPageInput = z.input<typeof callListPageInputSchema>;

export const callListExportInputSchema = z
  .object({ ...filterFields, bom: z.boolean().default(false) })
  .strict()
  .refine(oneCut, oneCutIssue)
  .refine(probabilityRange, probabilityRangeIssue);

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
  valueAtRiskListed: z.number(),
  valueAtRiskEligible: z.number(),
  modelId: z.string().nullable(),
  scoredAt: z.string().nullable(),
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

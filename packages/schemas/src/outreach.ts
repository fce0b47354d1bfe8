import { z } from 'zod';

/*
 * Call lists and the outcomes of retention calls, shared by the api, the dashboard and the CLI.
 * What each column and filter means is in docs/call-lists.md.
 */

/** What came of a contact. `do_not_call` takes the customer off every later list. */
export const OUTCOMES = ['reached', 'offer_accepted', 'declined', 'no_answer', 'do_not_call'] as const;
export const outcomeSchema = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof outcomeSchema>;

export const customerIdSchema = z.string().trim().min(1).max(200);

const filterFields = {
  /** The first N of the ranked list. */
  top: z.number().int().min(1).max(100_000_000).optional(),
  /** How many customers the team can call: the same cut as `top`, reported as coverage of value at risk. */
  capacity: z.number().int().min(1).max(100_000_000).optional(),
  minProbability: z.number().min(0).max(1).optional(),
  segment: z.string().trim().min(1).max(200).optional(),
  region: z.string().trim().min(1).max(200).optional(),
  /** Leave out customers with any outcome recorded in the last D days. */
  excludeContactedDays: z.number().int().min(1).max(3650).optional(),
};

const oneCut = (f: { top?: number | undefined; capacity?: number | undefined }) =>
  f.top === undefined || f.capacity === undefined;
const oneCutIssue = { message: 'choose top or capacity, not both', path: ['capacity'] };

export const callListFiltersSchema = z.object(filterFields).strict().refine(oneCut, oneCutIssue);
export type CallListFilters = z.infer<typeof callListFiltersSchema>;

export const callListPageInputSchema = z
  .object({
    ...filterFields,
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict()
  .refine(oneCut, oneCutIssue);
export type CallListPageInput = z.input<typeof callListPageInputSchema>;

export const callListExportInputSchema = z
  .object({ ...filterFields, bom: z.boolean().default(false) })
  .strict()
  .refine(oneCut, oneCutIssue);

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

/*
 * The names of headline figures, the same on every page and in the command line: one name, one
 * figure. Where two figures share a rule but not a population (the repeat rate of one quarter's new
 * customers and that of every cohort), the name says which. Definitions: README.md, "Retention
 * analytics". Plain constants, so the dashboard can import them without bundling zod.
 */

export const KPI_LABELS = {
  activeCustomers: 'Active customers',
  newCustomers: 'New customers',
  /** Not the churn model's validation share, which is over every customer ever seen. */
  churnRate: 'Churn rate (active customers)',
  /** One quarter's new customers; the Repeat page's all-cohort rate pools every cohort. */
  repeatRate90d: 'Recent 90-day repeat rate',
  revenue: 'Revenue (90 d)',
  netRevenueRetention12m: 'Net revenue retention (12 m)',
  complaintRate: 'Complaints per order',
  returnRate: 'Return rate',
  medianResolutionDays: 'Median days to resolve',
  atRiskRevenue: 'At-risk revenue',
} as const;

/** The repeat rate over every cohort: within N days of the first order, or at any time so far. */
export function allCohortRepeatLabel(withinDays: number | null): string {
  return withinDays === null
    ? 'All-cohort repeat rate, any time'
    : `All-cohort ${withinDays}-day repeat rate`;
}

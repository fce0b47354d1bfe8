/**
 * Expected revenue over the next 12 months if the customer stays: their spend over the last 365 days,
 * annualised for customers younger than a year (tenure counted as at least 90 days, so one early
 * order is not multiplied beyond 4×). Value at risk = churn probability × that revenue.
 */
export function expectedRevenue12m(revenueLast365: number, tenureDays: number): number {
  const observedDays = Math.min(365, Math.max(90, tenureDays));
  return Math.max(0, revenueLast365) * (365 / observedDays);
}

export function valueAtRisk(churnProbability: number, expectedRevenue: number): number {
  return churnProbability * expectedRevenue;
}

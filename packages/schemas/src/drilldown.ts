/** How the customers behind a cohort or a cell can be sorted (plain: the dashboard reads it too). */
export const DRILLDOWN_SORTS = [
  'customerId',
  'firstOrder',
  'orders',
  'revenue',
  'lastOrder',
  'complaints',
  'returns',
] as const;
export type DrilldownSort = (typeof DRILLDOWN_SORTS)[number];

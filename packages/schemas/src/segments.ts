/*
 * RFM segment names as plain constants, kept apart from the zod schemas so the dashboard can
 * import them without bundling zod.
 */

/** RFM segments, as the churn model names them (the grid is in README.md, "Churn model"). */
export const RFM_SEGMENTS = [
  'Champions',
  'Loyal',
  'Potential loyalists',
  'New',
  'Promising',
  'Need attention',
  'About to sleep',
  "Can't lose them",
  'At risk',
  'Hibernating',
  'Lost',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

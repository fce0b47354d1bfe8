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

/** From this churn probability on, a customer is more likely to leave than to stay: "slipping". */
export const SLIPPING_PROBABILITY = 0.5;

/**
 * The segments that describe a customer doing well, and what to call one of them who is slipping:
 * the RFM segment says what the customer was (recent, frequent), the churn score where they are
 * heading, and a 99 % churn risk must not read "Champions".
 */
export const SLIPPING_STANDINGS: Readonly<Record<string, string>> = {
  Champions: 'Champion, slipping',
  Loyal: 'Loyal, slipping',
  'Potential loyalists': 'Potential loyalist, slipping',
  New: 'New customer, slipping',
  Promising: 'Promising, slipping',
} satisfies Partial<Record<RfmSegment, string>>;

/**
 * A customer's standing as a retention team reads it: their RFM segment, or what they were and that
 * they are slipping when their churn probability is SLIPPING_PROBABILITY or more.
 */
export function segmentStanding(segment: string, churnProbability: number): string {
  if (!(churnProbability >= SLIPPING_PROBABILITY) || !Object.hasOwn(SLIPPING_STANDINGS, segment))
    return segment;
  return SLIPPING_STANDINGS[segment] ?? segment;
}

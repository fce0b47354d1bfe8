/*
 * Contact outcomes as plain constants, kept apart from the zod schemas (outreach.ts) so the
 * dashboard can import them without bundling zod.
 */

/** What came of a contact. `do_not_call` takes the customer off every later list. */
export const OUTCOMES = ['reached', 'offer_accepted', 'declined', 'no_answer', 'do_not_call'] as const;
export type Outcome = (typeof OUTCOMES)[number];

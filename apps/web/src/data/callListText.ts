import type { CallListSummary, Outcome } from '@retain/schemas';
import { formatDay, formatInteger } from '../format.ts';

export const OUTCOME_LABELS: Record<Outcome, string> = {
  reached: 'Reached',
  offer_accepted: 'Offer accepted',
  declined: 'Declined',
  no_answer: 'No answer',
  do_not_call: 'Do not call',
};

/** The last call's outcome and day, "No answer · Jun 3, 2026"; "Not contacted" before any. */
export function lastContactText(outcome: Outcome | null, at: string | null): string {
  if (outcome === null || at === null) return 'Not contacted';
  return `${OUTCOME_LABELS[outcome]} · ${formatDay(at)}`;
}

/**
 * Who the summary says was left out and why, in words: consent, "do not call", recent contact
 * (when that filter is on) and no phone number (when only reachable customers are listed).
 */
export function leftOutText(summary: CallListSummary, recentlyContactedFilter: boolean): string {
  const parts = [
    `${formatInteger(summary.excludedNoConsent)} without consent to contact`,
    `${formatInteger(summary.excludedDoNotCall)} asked not to be called`,
  ];
  if (recentlyContactedFilter)
    parts.push(`${formatInteger(summary.excludedRecentlyContacted)} contacted recently`);
  if (summary.excludedNoPhone > 0)
    parts.push(`${formatInteger(summary.excludedNoPhone)} without a phone number to call`);
  return `Left out: ${parts.join(', ')}.`;
}

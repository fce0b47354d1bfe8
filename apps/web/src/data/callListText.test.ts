import type { CallListSummary } from '@retain/schemas';
import { describe, expect, it } from 'vitest';
import { lastContactText, leftOutText } from './callListText.ts';

const summary: CallListSummary = {
  cut: 'capacity',
  listed: 200,
  eligible: 38_912,
  excludedNoConsent: 812,
  excludedDoNotCall: 17,
  excludedRecentlyContacted: 230,
  excludedNoPhone: 0,
  listedWithoutPhone: 0,
  phoneCountry: 'GB',
  valueAtRiskListed: 61_240,
  valueAtRiskEligible: 148_310,
  modelId: 'm-1',
  scoredAt: '2026-09-30',
  kind: 'at-risk',
  onOtherList: 5_120,
  callEffectSource: 'prior',
  callEffectPrior: 0.1,
  expectedSavedListed: 6_124,
};

describe('call list text', () => {
  it('names the last outcome and its day, or says nobody called yet', () => {
    expect(lastContactText('no_answer', '2026-06-03T09:15:00Z')).toBe('No answer · Jun 3, 2026');
    expect(lastContactText('offer_accepted', '2026-01-20T23:59:00Z')).toBe('Offer accepted · Jan 20, 2026');
    expect(lastContactText(null, null)).toBe('Not contacted');
  });

  it('says who was left out and why, the recent-contact count only with that filter', () => {
    expect(leftOutText(summary, false)).toBe(
      'Left out: 812 without consent to contact, 17 asked not to be called.',
    );
    expect(leftOutText({ ...summary, excludedNoPhone: 2_314 }, true)).toBe(
      'Left out: 812 without consent to contact, 17 asked not to be called, 230 contacted recently, 2,314 without a phone number to call.',
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  describeRule,
  describeScope,
  EMPTY_FORM,
  fieldOfError,
  hostsFromText,
  ruleFromForm,
  settingOfError,
} from './alertRules.ts';

describe('the alert form', () => {
  it('turns a filled form into a rule: a share as a percentage, webhooks one a line', () => {
    expect(
      ruleFromForm({
        ...EMPTY_FORM,
        name: ' Churn up ',
        threshold: '30%',
        channel: 'web',
        webhooks: 'https://hooks.slack.com/a\n\n https://x.example.com/b ',
      }),
    ).toEqual({
      rule: {
        name: 'Churn up',
        metric: 'churnRate',
        condition: 'above',
        threshold: 0.3,
        changeUnit: null,
        channel: 'web',
        region: null,
        webhooks: ['https://hooks.slack.com/a', 'https://x.example.com/b'],
      },
    });
  });

  it('reads a change as points or as a percentage of the previous value', () => {
    const points = ruleFromForm({ ...EMPTY_FORM, name: 'x', condition: 'changeAbove', threshold: '2' });
    expect(points).toMatchObject({ rule: { threshold: 2, changeUnit: 'points' } });
    const percent = ruleFromForm({
      ...EMPTY_FORM,
      name: 'x',
      metric: 'revenue',
      condition: 'changeAbove',
      threshold: '10%',
    });
    expect(percent).toMatchObject({ rule: { threshold: 10, changeUnit: 'percent' } });
  });

  it('says what to fix, field by field', () => {
    expect(ruleFromForm({ ...EMPTY_FORM, threshold: 'abc' })).toEqual({
      errors: { name: 'Give the alert a name.', threshold: 'Threshold "abc" is not a number.' },
    });
    expect(ruleFromForm({ ...EMPTY_FORM, name: 'x', metric: 'revenue', threshold: '10%' })).toEqual({
      errors: { threshold: 'Threshold "10%": a percentage applies to shares only; revenue is not one.' },
    });
    expect(ruleFromForm({ ...EMPTY_FORM, name: 'x' })).toEqual({ errors: { threshold: 'Enter a value.' } });
  });

  it('puts a refusal from the server beside its field', () => {
    expect(fieldOfError('webhook: 10.0.0.1 is not an allowed webhook host')).toEqual({
      field: 'webhook',
      text: '10.0.0.1 is not an allowed webhook host',
    });
    expect(fieldOfError('Something else')).toEqual({ field: null, text: 'Something else' });
    expect(settingOfError('checkSchedule: "61 * * * *" is not a cron expression')).toEqual({
      field: 'checkSchedule',
      text: '"61 * * * *" is not a cron expression',
    });
    expect(settingOfError('Your role (analyst) does not give access')).toMatchObject({ field: null });
  });
});

describe('rules in words', () => {
  it('names the figure as every page does, with its threshold', () => {
    expect(describeRule({ metric: 'churnRate', condition: 'above', threshold: 0.3 })).toBe(
      'Churn rate (active customers) is above 30.0%',
    );
    expect(
      describeRule({ metric: 'repeatRate90d', condition: 'changeAbove', threshold: 2, changeUnit: 'points' }),
    ).toBe('Recent 90-day repeat rate changes by more than 2 pt');
    expect(
      describeRule({ metric: 'revenue', condition: 'changeAbove', threshold: 10, changeUnit: 'percent' }),
    ).toBe('Revenue (90 d) changes by more than 10%');
    expect(describeScope({ channel: 'web', region: null })).toBe('channel web');
    expect(describeScope({})).toBe('all customers');
    expect(hostsFromText('a.com\n b.com:8080, ,c.com')).toEqual(['a.com', 'b.com:8080', 'c.com']);
  });
});

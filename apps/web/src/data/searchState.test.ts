import { describe, expect, it } from 'vitest';
import { withPatch } from '../router/location.ts';
import {
  readBool,
  readDay,
  readEnum,
  readInt,
  readList,
  readNumber,
  readOptionalInt,
} from './searchState.ts';

const s = (query: string) => new URLSearchParams(query);

describe('search state', () => {
  it('reads enums, falling back on unknown values', () => {
    expect(readEnum(s('period=week'), 'period', ['month', 'week'] as const, 'month')).toBe('week');
    expect(readEnum(s('period=year'), 'period', ['month', 'week'] as const, 'month')).toBe('month');
  });

  it('reads bounded integers and plain numbers', () => {
    expect(readInt(s('page=3'), 'page', 1, { min: 1 })).toBe(3);
    expect(readInt(s('page=0'), 'page', 1, { min: 1 })).toBe(1);
    expect(readInt(s('page=2.5'), 'page', 1)).toBe(1);
    expect(readOptionalInt(s(''), 'offset')).toBeUndefined();
    expect(readNumber(s('min=0.5'), 'min')).toBe(0.5);
    expect(readNumber(s('min=abc'), 'min')).toBeUndefined();
  });

  it('reads lists, booleans and days', () => {
    expect(readList(s('r=North&r=East&r=North&r='), 'r')).toEqual(['North', 'East']);
    expect(readBool(s('c=true'), 'c')).toBe(true);
    expect(readBool(s('c=false'), 'c')).toBe(false);
    expect(readBool(s('c=maybe'), 'c')).toBeUndefined();
    expect(readDay(s('from=2024-02-01'), 'from')).toBe('2024-02-01');
    expect(readDay(s('from=01/02/2024'), 'from')).toBeUndefined();
  });

  it('patches search parameters in a stable order, removing empty values', () => {
    expect(withPatch(s('b=1&a=2'), { c: '3', b: null })).toBe('?a=2&c=3');
    expect(withPatch(s('r=North'), { r: ['East', 'West'] })).toBe('?r=East&r=West');
    expect(withPatch(s('a=1'), { a: '' })).toBe('');
  });
});

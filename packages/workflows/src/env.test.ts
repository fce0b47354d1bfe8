import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv, retainVariables } from './env.ts';

describe('parseEnv', () => {
  it('gives the defaults when nothing is set, and blank counts as unset', () => {
    expect(parseEnv({})).toEqual({
      db: undefined,
      port: undefined,
      host: undefined,
      authForced: false,
      currency: undefined,
      memoryLimit: undefined,
      noColor: false,
    });
    expect(parseEnv({ RETAIN_DB: '  ', RETAIN_PORT: '', RETAIN_AUTH: ' ' })).toMatchObject({
      db: undefined,
      port: undefined,
      authForced: false,
    });
  });

  it('reads each variable into its setting', () => {
    expect(
      parseEnv({
        RETAIN_DB: ' data/shop.duckdb ',
        RETAIN_PORT: '8080',
        RETAIN_HOST: '0.0.0.0',
        RETAIN_AUTH: 'ON',
        RETAIN_CURRENCY: 'eur',
        RETAIN_MEMORY_LIMIT: ' 3GB ',
        NO_COLOR: '',
      }),
    ).toEqual({
      db: 'data/shop.duckdb',
      port: 8080,
      host: '0.0.0.0',
      authForced: true,
      currency: 'EUR',
      memoryLimit: '3GB',
      noColor: true,
    });
    expect(parseEnv({ RETAIN_AUTH: 'no' }).authForced).toBe(false);
  });

  it.each([
    ['RETAIN_PORT', '70000', '"70000" is not a port number (0–65535)'],
    ['RETAIN_PORT', 'http', '"http" is not a port number (0–65535)'],
    ['RETAIN_AUTH', 'Maybe', '"maybe" is not on or off'],
    ['RETAIN_CURRENCY', 'euro', '"euro" is not an ISO 4217 currency code such as EUR, USD or GBP'],
    ['RETAIN_MEMORY_LIMIT', 'lots', '"lots" is not a size such as 4GB or 512MB'],
  ])('refuses %s=%s naming the variable and the value', (variable, value, reason) => {
    const error = (() => {
      try {
        parseEnv({ [variable]: value });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(EnvError);
    expect(error).toMatchObject({ variable, value, message: `environment variable ${variable}: ${reason}` });
  });
});

describe('retainVariables', () => {
  it('holds Retain’s variables and NO_COLOR, nothing else of the environment', () => {
    const names = Object.keys(retainVariables());
    expect(names.every((name) => name.startsWith('RETAIN_') || name === 'NO_COLOR')).toBe(true);
    expect(Object.isFrozen(retainVariables())).toBe(true);
  });
});

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
      engine: undefined,
      trinoPassword: undefined,
      engineRecheckSeconds: 60,
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
        RETAIN_ENGINE: ' trino://analyst@trino.internal:8443/lake/sales?ssl=true ',
        RETAIN_TRINO_PASSWORD: ' pass word ',
        RETAIN_ENGINE_RECHECK_SECONDS: '300',
        NO_COLOR: '',
      }),
    ).toEqual({
      db: 'data/shop.duckdb',
      port: 8080,
      host: '0.0.0.0',
      authForced: true,
      currency: 'EUR',
      memoryLimit: '3GB',
      engine: 'trino://analyst@trino.internal:8443/lake/sales?ssl=true',
      trinoPassword: ' pass word ',
      engineRecheckSeconds: 300,
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
    ['RETAIN_ENGINE_RECHECK_SECONDS', 'soon', '"soon" is not a whole number of seconds (0–86400)'],
    [
      'RETAIN_ENGINE',
      'postgres://a@h:1/c/s',
      'postgres://a@h:1/c/s is not a Trino engine URL: it starts with postgres://, not trino:// (trino://USER@HOST:PORT/CATALOG/SCHEMA)',
    ],
    [
      'RETAIN_ENGINE',
      'trino://a@h:1/lake',
      'trino://a@h:1/lake is not a Trino engine URL: the path must be /CATALOG/SCHEMA (trino://USER@HOST:PORT/CATALOG/SCHEMA)',
    ],
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

describe('parseEnv: the engine and its password', () => {
  it('refuses a password over plain HTTP, naming RETAIN_ENGINE and not the password', () => {
    const call = () =>
      parseEnv({ RETAIN_ENGINE: 'trino://a@h:8080/lake/s', RETAIN_TRINO_PASSWORD: 'hunter2' });
    expect(call).toThrow(EnvError);
    expect(call).toThrow(
      'environment variable RETAIN_ENGINE: a Trino password is only sent over HTTPS: add ?ssl=true to the engine URL',
    );
  });

  it('refuses a password written in the URL without repeating it', () => {
    const call = () => parseEnv({ RETAIN_ENGINE: 'trino://a:hunter2@h:8443/lake/s?ssl=true' });
    expect(call).toThrow(/^environment variable RETAIN_ENGINE: the engine URL holds a password/);
    expect(call).not.toThrow(/hunter2/);
  });
});

describe('retainVariables', () => {
  it('holds Retain’s variables and NO_COLOR, nothing else of the environment', () => {
    const names = Object.keys(retainVariables());
    expect(names.every((name) => name.startsWith('RETAIN_') || name === 'NO_COLOR')).toBe(true);
    expect(Object.isFrozen(retainVariables())).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { EngineConfigError, isTrinoUrl, parseTrinoUrl } from './engineUrl.ts';

describe('parseTrinoUrl', () => {
  it('reads user, host, port, catalog and schema', () => {
    expect(parseTrinoUrl('trino://analyst@trino.internal:8081/lake/sales')).toEqual({
      user: 'analyst',
      host: 'trino.internal',
      port: 8081,
      catalog: 'lake',
      schema: 'sales',
      ssl: false,
      server: 'http://trino.internal:8081',
    });
  });

  it('defaults the port to 8080, or 443 over HTTPS', () => {
    expect(parseTrinoUrl('trino://a@h/c/s').port).toBe(8080);
    const secure = parseTrinoUrl('trino://a@h/c/s?ssl=true', { password: 'p' });
    expect(secure).toMatchObject({ port: 443, ssl: true, server: 'https://h:443' });
  });

  it.each([
    ['http://a@h:1/c/s', /not trino:\/\//],
    ['trino://h:1/c/s', /names no user/],
    ['trino://a@h:1/c', /\/CATALOG\/SCHEMA/],
    ['trino://a@h:1/c/s/t', /\/CATALOG\/SCHEMA/],
    ['trino://a@h:1/c/s;drop', /not a catalog or schema name/],
    ['trino://a@h:1/c/s?ssl=yes', /ssl must be true or false/],
    ['trino://a@h:1/c/s?catalog=x', /unknown setting "catalog"/],
    ['not a url', /cannot be read as a URL/],
  ])('refuses %s, saying why', (text, why) => {
    const error = (() => {
      try {
        parseTrinoUrl(text);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(EngineConfigError);
    expect((error as EngineConfigError).message).toMatch(why);
    expect((error as EngineConfigError).field).toBe('engine');
  });

  it('refuses a password in the URL without echoing it', () => {
    expect(() => parseTrinoUrl('trino://a:s3cret@h:1/c/s')).toThrow(/RETAIN_TRINO_PASSWORD/);
    try {
      parseTrinoUrl('trino://a:s3cret@h:1/c/s');
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('s3cret');
      expect((e as EngineConfigError).value).not.toContain('s3cret');
    }
  });

  it('sends a password only over HTTPS', () => {
    expect(() => parseTrinoUrl('trino://a@h:1/c/s', { password: 'p' })).toThrow(/only sent over HTTPS/);
  });

  it('tells a Trino URL from a DuckDB file', () => {
    expect(isTrinoUrl('trino://a@h/c/s')).toBe(true);
    expect(isTrinoUrl('retain.duckdb')).toBe(false);
    expect(isTrinoUrl(undefined)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { apiErrorCode, isAccessError, isUnauthorized, readableErrorMessage } from './apiErrors.ts';
import { loginErrorMessage, loginHref, safeNext } from './auth.ts';

const apiError = (code: string, message = 'x') => Object.assign(new Error(message), { data: { code } });

describe('sign-in helpers', () => {
  it('returns only to local pages after signing in', () => {
    expect(safeNext('/at-risk?segment=Lost&complaint=open')).toBe('/at-risk?segment=Lost&complaint=open');
    expect(safeNext(null)).toBe('/');
    expect(safeNext('')).toBe('/');
    expect(safeNext('//evil.example/x')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext('/login?next=/sql')).toBe('/');
  });

  it('builds the sign-in link with the page to return to', () => {
    expect(loginHref('/', new URLSearchParams())).toBe('/login');
    expect(loginHref('/at-risk', new URLSearchParams('region=North&region=East'))).toBe(
      '/login?next=%2Fat-risk%3Fregion%3DNorth%26region%3DEast',
    );
    expect(safeNext(new URLSearchParams('next=%2Fat-risk%3Fregion%3DNorth').get('next'))).toBe(
      '/at-risk?region=North',
    );
    expect(loginHref('/login', new URLSearchParams('next=/sql'))).toBe('/login?next=%2Fsql');
  });

  it('says why signing in failed, with the server’s wait for too many attempts', () => {
    expect(loginErrorMessage(apiError('UNAUTHORIZED'))).toBe('Wrong user name or password.');
    expect(loginErrorMessage(apiError('BAD_REQUEST', '[{"path":["username"],"message":"bad"}]'))).toBe(
      'Wrong user name or password.',
    );
    expect(
      loginErrorMessage(apiError('TOO_MANY_REQUESTS', 'Too many failed sign-ins; try again in 15 min.')),
    ).toBe('Too many failed sign-ins; try again in 15 min.');
    expect(loginErrorMessage(new TypeError('Failed to fetch'))).toMatch(/could not be reached/);
  });
});

describe('API errors', () => {
  it('reads the tRPC code by shape', () => {
    expect(apiErrorCode(apiError('FORBIDDEN'))).toBe('FORBIDDEN');
    expect(apiErrorCode(new Error('x'))).toBeNull();
    expect(apiErrorCode(null)).toBeNull();
    expect(isUnauthorized(apiError('UNAUTHORIZED'))).toBe(true);
    expect(isAccessError(apiError('FORBIDDEN'))).toBe(true);
    expect(isAccessError(apiError('BAD_REQUEST'))).toBe(false);
  });

  it('turns validation issues into a sentence', () => {
    const issues = JSON.stringify([
      { code: 'too_small', path: ['password'], message: 'at least 10 characters' },
      { code: 'custom', path: ['rows', 0, 'name'], message: 'required' },
    ]);
    expect(readableErrorMessage(new Error(issues))).toBe(
      'password: at least 10 characters; rows.name: required',
    );
    expect(readableErrorMessage(new Error('[not json'))).toBe('[not json');
    expect(readableErrorMessage('plain')).toBe('plain');
  });
});

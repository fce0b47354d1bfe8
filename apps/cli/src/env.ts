import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CURRENCY_VARIABLE, parseCurrencySetting } from '@retain/schemas';

/** The repository root: defaults (data/, the built web app) are found relative to it. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function fail(name: string, message: string): never {
  console.error(`error: environment variable ${name}: ${message}`);
  process.exit(2);
}

function readPort(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(name, `"${raw}" is not a port number (0–65535)`);
  return port;
}

function readText(name: string): string | undefined {
  const raw = process.env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function readCurrency(name: string): string | undefined {
  try {
    return parseCurrencySetting(process.env[name]);
  } catch (error) {
    return fail(name, error instanceof Error ? error.message : String(error));
  }
}

function readSwitch(name: string): boolean {
  const raw = readText(name)?.toLowerCase();
  if (raw === undefined || ['off', '0', 'false', 'no'].includes(raw)) return false;
  if (['on', '1', 'true', 'yes'].includes(raw)) return true;
  return fail(name, `"${raw}" is not on or off`);
}

/** Environment, read once and validated (by hand: this module is on the path of every command). */
export const env = {
  db: readText('RETAIN_DB'),
  port: readPort('RETAIN_PORT'),
  host: readText('RETAIN_HOST'),
  /** RETAIN_AUTH=on requires sign-in even on localhost. */
  authForced: readSwitch('RETAIN_AUTH'),
  /** RETAIN_CURRENCY: the currency of the data's amounts, over what the data says (the API reads it too). */
  currency: readCurrency(CURRENCY_VARIABLE),
  color: process.env.NO_COLOR === undefined && process.stderr.isTTY === true,
  interactive: process.stderr.isTTY === true,
};

export const DEFAULT_DB = path.join(REPO_ROOT, 'data', 'retain.duckdb');

export function resolveDb(flag: string | undefined): string {
  return path.resolve(flag ?? env.db ?? DEFAULT_DB);
}

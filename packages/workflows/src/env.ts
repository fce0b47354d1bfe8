import { CURRENCY_VARIABLE, parseCurrencySetting } from '@retain/schemas';
import { parseTrinoUrl } from '@retain/trino/engineUrl';
import { z } from 'zod';

/**
 * Retain's environment: every variable it reads, with its default and limits, validated once. The
 * API, the CLI and (through them) the packages read settings from here, never from process.env.
 */
export interface Env {
  /** RETAIN_DB: the database file when no --db or server option names one. */
  db: string | undefined;
  /** RETAIN_PORT: the server's port, 0–65535; unset: 3000, or the next free one. */
  port: number | undefined;
  /** RETAIN_HOST: the address the server binds; unset: 127.0.0.1. */
  host: string | undefined;
  /** RETAIN_AUTH=on requires sign-in even on localhost (on/off, 1/0, true/false, yes/no). */
  authForced: boolean;
  /** RETAIN_CURRENCY: the currency of the data's amounts, over what the data says (ISO 4217). */
  currency: string | undefined;
  /** RETAIN_MEMORY_LIMIT: DuckDB's memory cap for SQL typed by people, e.g. 4GB; unset: half the machine. */
  memoryLimit: string | undefined;
  /**
   * RETAIN_ENGINE: a Trino cluster that holds the facts tables (trino://USER@HOST:PORT/CATALOG/SCHEMA),
   * read by the analytics verbs when no --engine names one; unset: the embedded database.
   */
  engine: string | undefined;
  /** RETAIN_TRINO_PASSWORD: the Trino user's password, sent only over HTTPS (?ssl=true). */
  trinoPassword: string | undefined;
  /**
   * RETAIN_ENGINE_RECHECK_SECONDS: how long `retain serve --engine` trusts the facts' fingerprint
   * before asking the cluster again (0 to 86400; unset: 60).
   */
  engineRecheckSeconds: number;
  /** NO_COLOR set (to anything): no colours on a terminal. */
  noColor: boolean;
}

/** The variables, by the name of the setting they fill. */
export const ENV_VARIABLES = {
  db: 'RETAIN_DB',
  port: 'RETAIN_PORT',
  host: 'RETAIN_HOST',
  authForced: 'RETAIN_AUTH',
  currency: CURRENCY_VARIABLE,
  memoryLimit: 'RETAIN_MEMORY_LIMIT',
  engine: 'RETAIN_ENGINE',
  trinoPassword: 'RETAIN_TRINO_PASSWORD',
  engineRecheckSeconds: 'RETAIN_ENGINE_RECHECK_SECONDS',
  noColor: 'NO_COLOR',
} as const satisfies Record<keyof Env, string>;

/** A variable with a value Retain cannot use; `variable` names it, `value` is what it held. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
  readonly code = 'env';
  constructor(
    readonly variable: string,
    readonly value: string,
    reason: string,
  ) {
    super(`environment variable ${variable}: ${reason}`);
  }
}

/** Unset and blank are the same: the default. */
const text = z
  .string()
  .optional()
  .transform((raw) => (raw === undefined || raw.trim() === '' ? undefined : raw.trim()));

const port = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (Number.isInteger(value) && value >= 0 && value <= 65535) return value;
    ctx.addIssue({ code: 'custom', message: `"${raw}" is not a port number (0–65535)` });
    return z.NEVER;
  });

const ON = ['on', '1', 'true', 'yes'];
const OFF = ['off', '0', 'false', 'no'];
const onOff = text.transform((raw, ctx) => {
  const value = raw?.toLowerCase();
  if (value === undefined || OFF.includes(value)) return false;
  if (ON.includes(value)) return true;
  ctx.addIssue({ code: 'custom', message: `"${value}" is not on or off` });
  return z.NEVER;
});

const currency = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    try {
      return parseCurrencySetting(raw);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });

/** DuckDB's own spelling of a size: a number and a unit, e.g. 4GB, 512 MiB. */
const SIZE = /^\d+(\.\d+)?\s*(b|bytes|kb|mb|gb|tb|kib|mib|gib|tib)$/i;
const memoryLimit = text.transform((raw, ctx) => {
  if (raw === undefined || SIZE.test(raw)) return raw;
  ctx.addIssue({ code: 'custom', message: `"${raw}" is not a size such as 4GB or 512MB` });
  return z.NEVER;
});

const recheckSeconds = text.transform((raw, ctx) => {
  if (raw === undefined) return 60;
  const value = Number(raw);
  if (Number.isInteger(value) && value >= 0 && value <= 86_400) return value;
  ctx.addIssue({ code: 'custom', message: `"${raw}" is not a whole number of seconds (0–86400)` });
  return z.NEVER;
});

/** A password is kept as given (spaces may be part of it); empty is none. */
const secret = z
  .string()
  .optional()
  .transform((raw) => (raw === '' ? undefined : raw));

/** The engine URL as it is written; checked, with the password, in parseEnv. */
const engine = text.transform((raw, ctx) => {
  if (raw === undefined) return undefined;
  try {
    parseTrinoUrl(raw);
    return raw;
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    return z.NEVER;
  }
});

const envSchema = z.object({
  [ENV_VARIABLES.db]: text,
  [ENV_VARIABLES.port]: port,
  [ENV_VARIABLES.host]: text,
  [ENV_VARIABLES.authForced]: onOff,
  [ENV_VARIABLES.currency]: currency,
  [ENV_VARIABLES.memoryLimit]: memoryLimit,
  [ENV_VARIABLES.engine]: engine,
  [ENV_VARIABLES.trinoPassword]: secret,
  [ENV_VARIABLES.engineRecheckSeconds]: recheckSeconds,
  [ENV_VARIABLES.noColor]: z
    .string()
    .optional()
    .transform((raw) => raw !== undefined),
});

/** Reads Retain's settings from `source`; the first unusable one throws an EnvError naming it. */
export function parseEnv(source: Readonly<Record<string, string | undefined>>): Env {
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.values(ENV_VARIABLES).map((name) => [name, source[name]])),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? '');
    throw new EnvError(variable, source[variable] ?? '', issue?.message ?? 'invalid value');
  }
  const values = parsed.data;
  const engineUrl = values[ENV_VARIABLES.engine];
  const trinoPassword = values[ENV_VARIABLES.trinoPassword];
  if (engineUrl !== undefined && trinoPassword !== undefined) {
    try {
      parseTrinoUrl(engineUrl, { password: trinoPassword });
    } catch (error) {
      throw new EnvError(
        ENV_VARIABLES.engine,
        engineUrl,
        error instanceof Error ? error.message : String(error),
      );
    }
  }
  return {
    db: values[ENV_VARIABLES.db],
    port: values[ENV_VARIABLES.port],
    host: values[ENV_VARIABLES.host],
    authForced: values[ENV_VARIABLES.authForced],
    currency: values[ENV_VARIABLES.currency],
    memoryLimit: values[ENV_VARIABLES.memoryLimit],
    engine: engineUrl,
    trinoPassword,
    engineRecheckSeconds: values[ENV_VARIABLES.engineRecheckSeconds],
    noColor: values[ENV_VARIABLES.noColor],
  };
}

let variables: Readonly<Record<string, string | undefined>> | undefined;

/**
 * Retain's variables (RETAIN_* and NO_COLOR) as the process was started with them: the one read of
 * process.env. Settings other packages validate themselves (the alert variables) are read from here.
 */
export function retainVariables(): Readonly<Record<string, string | undefined>> {
  variables ??= Object.freeze(
    Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => name.startsWith('RETAIN_') || name === ENV_VARIABLES.noColor,
      ),
    ),
  );
  return variables;
}

let read: Env | undefined;

/** The process's environment, read and validated on first use (an EnvError if a variable is unusable). */
export function readEnv(): Env {
  read ??= parseEnv(retainVariables());
  return read;
}

import { randomBytes } from 'node:crypto';
import {
  type AlertSettings,
  type AlertSettingsInput,
  alertSettingsInputSchema,
  DEFAULT_CHECK_SCHEDULE,
  DEFAULT_REPORT_SCHEDULE,
} from '@retain/schemas';
import type { Warehouse } from '@retain/warehouse';
import { Cron } from 'croner';
import { AlertInputError } from './errors.ts';
import { ensureAlertTables } from './sql/alertTables.ts';
import { readSettingRows, writeSetting } from './sql/settingsSql.ts';
import { checkWebhookUrl, parseHostEntry } from './webhookHosts.ts';

/** What the environment says about alerts (read by each app's env module). */
export interface AlertEnvironment {
  /** RETAIN_WEBHOOK_HOSTS, parsed: always allowed. */
  webhookHosts: readonly string[];
  /** RETAIN_WEBHOOK_SECRET: signs webhook bodies; without it a secret kept in the settings does. */
  webhookSecret: string | undefined;
}

export const NO_ALERT_ENVIRONMENT: AlertEnvironment = { webhookHosts: [], webhookSecret: undefined };

type Stored = {
  webhookHosts: string[];
  checkSchedule: string;
  reportSchedule: string;
  reportFolder: string | null;
  reportWebhook: string | null;
  webhookSecret: string | null;
};

const DEFAULTS: Stored = {
  webhookHosts: [],
  checkSchedule: DEFAULT_CHECK_SCHEDULE,
  reportSchedule: DEFAULT_REPORT_SCHEDULE,
  reportFolder: null,
  reportWebhook: null,
  webhookSecret: null,
};

async function readStored(warehouse: Warehouse): Promise<Stored> {
  await ensureAlertTables(warehouse);
  const stored = await warehouse.read(readSettingRows);
  return { ...DEFAULTS, ...stored } as Stored;
}

async function writeStored(warehouse: Warehouse, values: Partial<Stored>): Promise<void> {
  await ensureAlertTables(warehouse);
  await warehouse.transaction(async (db) => {
    for (const [key, value] of Object.entries(values)) await writeSetting(db, key, value);
  });
}

/** The settings an admin sees (never the secret itself). */
export async function alertSettings(warehouse: Warehouse, env: AlertEnvironment): Promise<AlertSettings> {
  const s = await readStored(warehouse);
  return {
    webhookHosts: s.webhookHosts,
    environmentHosts: [...env.webhookHosts],
    checkSchedule: s.checkSchedule,
    reportSchedule: s.reportSchedule,
    reportFolder: s.reportFolder,
    reportWebhook: s.reportWebhook,
    secretFromEnvironment: env.webhookSecret !== undefined,
  };
}

/** Every host a webhook may target: the environment's and the settings'. */
export async function allowedWebhookHosts(warehouse: Warehouse, env: AlertEnvironment): Promise<string[]> {
  const s = await readStored(warehouse);
  return [...new Set([...env.webhookHosts, ...s.webhookHosts])];
}

/** Refuses a malformed cron expression, naming the setting. */
export function checkCron(expression: string, field: string): string {
  const trimmed = expression.trim().replace(/\s+/g, ' ');
  const fields = trimmed.split(' ').length;
  try {
    if (fields !== 5) throw new Error(`it has ${fields} field${fields === 1 ? '' : 's'}, not 5`);
    new Cron(trimmed, { paused: true, timezone: 'UTC' }).stop();
  } catch (error) {
    throw new AlertInputError(
      field,
      `${field}: "${expression}" is not a cron expression (minute hour day-of-month month day-of-week, e.g. "0 8 * * 1"): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return trimmed;
}

/** Changes the settings given; all are checked before any is saved. */
export async function updateAlertSettings(
  warehouse: Warehouse,
  input: AlertSettingsInput,
  env: AlertEnvironment,
): Promise<AlertSettings> {
  const parsed = alertSettingsInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? 'settings');
    throw new AlertInputError(field, `${field}: ${issue?.message ?? 'invalid'}`);
  }
  const next: Partial<Stored> = {};
  const p = parsed.data;
  if (p.webhookHosts !== undefined)
    next.webhookHosts = [...new Set(p.webhookHosts.map((h) => parseHostEntry(h, 'webhookHosts')))];
  if (p.checkSchedule !== undefined) next.checkSchedule = checkCron(p.checkSchedule, 'checkSchedule');
  if (p.reportSchedule !== undefined) next.reportSchedule = checkCron(p.reportSchedule, 'reportSchedule');
  if (p.reportFolder !== undefined) next.reportFolder = p.reportFolder === '' ? null : p.reportFolder;
  if (p.reportWebhook !== undefined) {
    const url = p.reportWebhook === '' ? null : p.reportWebhook;
    if (url !== null) {
      const hosts = [
        ...new Set([
          ...env.webhookHosts,
          ...(next.webhookHosts ?? (await readStored(warehouse)).webhookHosts),
        ]),
      ];
      checkWebhookUrl(url, hosts, 'reportWebhook');
    }
    next.reportWebhook = url;
  }
  await writeStored(warehouse, next);
  return alertSettings(warehouse, env);
}

/** The key webhook bodies are signed with: RETAIN_WEBHOOK_SECRET, else one kept in the settings. */
export async function webhookSecret(warehouse: Warehouse, env: AlertEnvironment): Promise<string> {
  if (env.webhookSecret !== undefined) return env.webhookSecret;
  const stored = (await readStored(warehouse)).webhookSecret;
  if (stored) return stored;
  return rotateWebhookSecret(warehouse);
}

/** Makes a new signing secret (receivers must be given it) and returns it. */
export async function rotateWebhookSecret(warehouse: Warehouse): Promise<string> {
  const secret = randomBytes(32).toString('base64url');
  await writeStored(warehouse, { webhookSecret: secret });
  return secret;
}

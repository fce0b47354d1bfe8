import type { AlertEnvironment } from './alertSettings.ts';
import { parseHostList } from './webhookHosts.ts';

/** The variables alerts and reports read, by the setting they fill. */
export const ALERT_ENV_VARIABLES = {
  webhookHosts: 'RETAIN_WEBHOOK_HOSTS',
  webhookSecret: 'RETAIN_WEBHOOK_SECRET',
  chromium: 'RETAIN_CHROMIUM',
} as const;

export interface AlertEnvironmentSettings extends AlertEnvironment {
  /** RETAIN_CHROMIUM: the Chromium that prints PDF reports; unset: the usual places. */
  chromium: string | undefined;
}

/**
 * Reads the alert variables from `source` (the variables @retain/workflows/env read once):
 * RETAIN_WEBHOOK_HOSTS, comma-separated host, host:port or *.domain (unset or empty: none);
 * RETAIN_WEBHOOK_SECRET, at least 16 characters; RETAIN_CHROMIUM, a path. A bad value throws an
 * error naming the variable.
 */
export function parseAlertEnvironment(
  source: Readonly<Record<string, string | undefined>>,
): AlertEnvironmentSettings {
  const text = (name: string) => {
    const raw = source[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const secret = text(ALERT_ENV_VARIABLES.webhookSecret);
  if (secret !== undefined && secret.length < 16)
    throw new Error(`environment variable ${ALERT_ENV_VARIABLES.webhookSecret}: at least 16 characters`);
  let webhookHosts: string[];
  try {
    webhookHosts = parseHostList(source[ALERT_ENV_VARIABLES.webhookHosts], ALERT_ENV_VARIABLES.webhookHosts);
  } catch (error) {
    throw new Error(`environment variable ${error instanceof Error ? error.message : String(error)}`);
  }
  return { webhookHosts, webhookSecret: secret, chromium: text(ALERT_ENV_VARIABLES.chromium) };
}

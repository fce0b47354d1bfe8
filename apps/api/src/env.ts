import { parseAlertEnvironment } from '@retain/alerts';
import { readEnv, retainVariables } from '@retain/workflows/env';

/** The API's environment, read once and validated (an EnvError names a variable it cannot use). */
export const apiEnv = readEnv();

/** Allowed webhook hosts, the signing secret and Chromium for PDF reports (RETAIN_WEBHOOK_HOSTS …). */
export const apiAlertEnv = parseAlertEnvironment(retainVariables());

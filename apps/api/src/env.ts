import { readEnv } from '@retain/workflows/env';

/** The API's environment, read once and validated (an EnvError names a variable it cannot use). */
export const apiEnv = readEnv();

export { analyticsCaller } from './analyticsCaller.ts';
export { callerFor } from './callerFor.ts';

// Worker threads do not inherit the main thread's module hooks on Node 20, so the worker registers
// tsx itself before loading the TypeScript worker module.
import { register } from 'tsx/esm/api';

register();
await import('./churnWorker.ts');

export {
  type ApiContext,
  type ApiServices,
  contextFor,
  createServices,
  LOCAL_VIEWER,
  type Viewer,
} from './context.ts';
export { type AppRouter, appRouter, createCaller, type RouterInputs, type RouterOutputs } from './root.ts';
export { authRequiredFor, type RunningServer, type ServerOptions, startServer } from './server.ts';

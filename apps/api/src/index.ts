export { type ApiContext, type ApiServices, createServices } from './context.ts';
export { type AppRouter, appRouter, createCaller, type RouterInputs, type RouterOutputs } from './root.ts';
export { type RunningServer, type ServerOptions, startServer } from './server.ts';

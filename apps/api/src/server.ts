import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertScheduler } from '@retain/alerts';
import { API_MAX_BATCH_SIZE } from '@retain/schemas';
import { secureForConsole, type Warehouse } from '@retain/warehouse';
import { type OpenEngine, preparePackageTables } from '@retain/workflows';
import { TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { type ApiServices, contextForRequest, createServices, viewerOf } from './context.ts';
import { apiEnv } from './env.ts';
import { CALL_LIST_DOWNLOAD_PATH, handleCallListDownload } from './exports.ts';
import { BadRequestError, requestUrl } from './http/badRequest.ts';
import { handleSafely } from './http/handleSafely.ts';
import { crossSiteRefusal } from './http/sameOrigin.ts';
import { referenceFor, type ServerLog, stderrLog } from './http/serverErrors.ts';
import { appRouter } from './root.ts';
import { engineLoadRefusal } from './routers/data.ts';
import { createStaticHandler } from './staticFiles.ts';
import { handleUpload } from './uploads.ts';
import { warmAnalytics } from './warmAnalytics.ts';

export interface ServerOptions {
  /** The local database file: what Retain owns, and the facts unless `engine` names a cluster. */
  warehouse: Warehouse;
  /** A Trino cluster holding the facts: the analytics read there, their results cached in `warehouse`. */
  engine?: OpenEngine | undefined;
  port: number;
  host: string;
  /** The built dashboard (apps/web/dist); without it only the API is served. */
  webRoot?: string | undefined;
  /** Require sign-in. Off only for demo mode on a loopback address; see `authRequiredFor`. */
  authRequired: boolean;
  /** Where failures are written (default stderr): a line each, with the stack of the server's own. */
  log?: ServerLog | undefined;
  /** Where what people start from the dashboard is written (default stdout), e.g. a training. */
  activity?: ((line: string) => void) | undefined;
  /** Run alert checks and reports on their schedules and after loads (default true). */
  schedule?: boolean | undefined;
  /** The currency of the amounts where the setting (RETAIN_CURRENCY) says none: a cluster's facts'. */
  currency?: string | undefined;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Sign-in is required unless the server is only reachable from this machine and not asked for. */
export function authRequiredFor(host: string, forced: boolean): boolean {
  return forced || !LOOPBACK.has(host);
}

/** Headers that keep the dashboard from being framed, sniffed or fed foreign scripts. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/** The largest tRPC request body read (a SQL statement is at most 100,000 characters). */
const MAX_API_BODY_BYTES = 2 * 1024 ** 2;

const READ_METHODS = new Set(['GET', 'HEAD']);
const API_METHODS = new Set(['GET', 'HEAD', 'POST']);

function refuseMethod(req: http.IncomingMessage, res: http.ServerResponse, allow: string, message: string) {
  req.resume();
  res.writeHead(405, { allow, 'content-type': 'text/plain; charset=utf-8' }).end(message);
}

export interface RunningServer {
  url: string;
  server: http.Server;
  /** The services the procedures use (e.g. to start the first model training after start-up). */
  services: ApiServices;
  close(): Promise<void>;
}

/** The API at /trpc and the dashboard at every other path, on one port. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const services = createServices(options.warehouse, {
    authRequired: options.authRequired,
    activity: options.activity ?? ((line) => console.log(line)),
    engine: options.engine,
    ...(options.currency ? { currency: options.currency } : {}),
  });
  services.uploads.sweep();
  // The packages' own tables, before the console's views are made over whatever tables exist.
  await preparePackageTables(options.warehouse);
  // From here on DuckDB reads files only from the uploads folder and its settings cannot change.
  await secureForConsole(options.warehouse, {
    allowedDirectories: [services.uploads.root],
    memoryLimit: apiEnv.memoryLimit,
  });
  // Build the analytics rollup now rather than on the first dashboard request; on a cluster, read
  // the facts' version, which says which cached results still hold.
  if (services.engine)
    services.engine.results
      .version()
      .catch((error: unknown) => console.error('[api] facts version on the cluster:', error));
  else warmAnalytics(options.warehouse);
  const log = options.log ?? stderrLog;
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: MAX_API_BODY_BYTES,
    maxBatchSize: API_MAX_BATCH_SIZE,
    createContext: async ({ req, res }) => {
      // tRPC runs only queries and subscriptions on GET (and answers HEAD itself); anything else
      // may change data, and is refused before its body is read unless it comes from our own pages.
      if (req.method !== 'GET') {
        const refusal = crossSiteRefusal(req, { json: true });
        if (refusal)
          throw new TRPCError({
            code: refusal.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'FORBIDDEN',
            message: refusal.message,
          });
      }
      try {
        return await contextForRequest(services, req, res);
      } catch (error) {
        if (error instanceof BadRequestError || error instanceof URIError)
          throw new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
        throw error;
      }
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        log(`[api] ${path ?? '?'} failed (ref ${referenceFor(error)}):`, error.cause ?? error);
    },
  });
  const web =
    options.webRoot && fs.existsSync(options.webRoot)
      ? createStaticHandler(options.webRoot)
      : (_req: http.IncomingMessage, res: http.ServerResponse) => {
          res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('The dashboard is not built. Run `npm start` (it builds it) or `npm run build`.');
        };

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const { pathname } = requestUrl(req);
    if (pathname.startsWith('/trpc/')) {
      // Queries are GET, mutations POST (tRPC answers HEAD); the fetch API tRPC builds its request
      // with throws on others (TRACE, CONNECT), so they end here.
      if (API_METHODS.has(req.method ?? '')) return trpc(req, res);
      return refuseMethod(req, res, 'GET, HEAD, POST', 'Use GET for queries and POST for mutations.');
    }
    if (pathname === '/upload') return uploadAsAdmin(req, res);
    if (pathname === CALL_LIST_DOWNLOAD_PATH) return handleCallListDownload(services, req, res, log);
    // Everything else only reads.
    if (!READ_METHODS.has(req.method ?? '')) return refuseMethod(req, res, 'GET, HEAD', 'Use GET.');
    if (pathname === '/healthz') res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    else web(req, res);
  }
  const server = http.createServer(handleSafely(route, log));

  async function uploadAsAdmin(req: http.IncomingMessage, res: http.ServerResponse) {
    const refuse = (status: number, error: string) => {
      req.resume();
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error }));
    };
    if (req.method !== 'POST') return refuse(405, 'POST the file as the request body.');
    const refusal = crossSiteRefusal(req, { json: false });
    if (refusal) return refuse(refusal.status, refusal.message);
    const viewer = await viewerOf(services, req);
    if (viewer?.role !== 'admin')
      return refuse(viewer ? 403 : 401, viewer ? 'Only admins load data.' : 'Sign in to continue.');
    if (services.engine) return refuse(409, engineLoadRefusal(services.engine.engine.name));
    await handleUpload(services.uploads, req, res, log);
  }
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  // Alert checks read the facts of the local file, which a server on a cluster does not hold.
  if (options.schedule !== false && !services.engine) {
    const scheduler = new AlertScheduler(options.warehouse, {
      env: services.alertEnv,
      currency: services.currency ?? null,
      chromium: services.alertEnv.chromium,
      log: options.activity ?? ((line) => console.log(line)),
    });
    services.alertScheduler = scheduler;
    await scheduler.start();
  }
  // A throw outside any request's handler (a stream or timer callback, a promise nobody awaited) is
  // logged with a reference instead of taking the dashboard down for everyone using it.
  const onStrayFailure = (error: unknown) =>
    log(`[server] uncaught failure (ref ${referenceFor(error)}), still serving:`, error);
  process.on('uncaughtException', onStrayFailure);
  process.on('unhandledRejection', onStrayFailure);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === '127.0.0.1' || host === '[::1]' ? 'localhost' : host}:${address.port}`,
    server,
    services,
    close: () =>
      new Promise<void>((resolve) => {
        process.off('uncaughtException', onStrayFailure);
        process.off('unhandledRejection', onStrayFailure);
        services.alertScheduler?.stop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { secureForConsole, type Warehouse } from '@retain/warehouse';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { type ApiServices, contextForRequest, createServices, viewerOf } from './context.ts';
import { CALL_LIST_DOWNLOAD_PATH, handleCallListDownload } from './exports.ts';
import { appRouter } from './root.ts';
import { createStaticHandler } from './staticFiles.ts';
import { handleUpload } from './uploads.ts';
import { warmAnalytics } from './warmAnalytics.ts';

export interface ServerOptions {
  warehouse: Warehouse;
  port: number;
  host: string;
  /** The built dashboard (apps/web/dist); without it only the API is served. */
  webRoot?: string | undefined;
  /** Require sign-in. Off only for demo mode on a loopback address; see `authRequiredFor`. */
  authRequired: boolean;
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

export interface RunningServer {
  url: string;
  server: http.Server;
  /** The services the procedures use (e.g. to start the first model training after start-up). */
  services: ApiServices;
  close(): Promise<void>;
}

/** The API at /trpc and the dashboard at every other path, on one port. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const services = createServices(options.warehouse, { authRequired: options.authRequired });
  services.uploads.sweep();
  // From here on DuckDB reads files only from the uploads folder and its settings cannot change.
  await secureForConsole(options.warehouse, { allowedDirectories: [services.uploads.root] });
  // Build the analytics rollup now rather than on the first dashboard request.
  warmAnalytics(options.warehouse);
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: ({ req, res }) => contextForRequest(services, req, res),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        console.error(`[api] ${path ?? '?'}:`, error.cause ?? error);
    },
  });
  const web =
    options.webRoot && fs.existsSync(options.webRoot)
      ? createStaticHandler(options.webRoot)
      : (_req: http.IncomingMessage, res: http.ServerResponse) => {
          res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('The dashboard is not built. Run `npm start` (it builds it) or `npm run build`.');
        };

  const server = http.createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (req.url?.startsWith('/trpc/')) trpc(req, res);
    else if (req.url?.startsWith('/upload?')) void uploadAsAdmin(req, res);
    else if (req.url?.startsWith(`${CALL_LIST_DOWNLOAD_PATH}?`))
      void handleCallListDownload(services, req, res);
    else if (req.url === '/healthz') res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    else web(req, res);
  });
  async function uploadAsAdmin(req: http.IncomingMessage, res: http.ServerResponse) {
    const viewer = await viewerOf(services, req);
    if (viewer?.role !== 'admin') {
      req.resume();
      res.writeHead(viewer ? 403 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: viewer ? 'Only admins load data.' : 'Sign in to continue.' }));
      return;
    }
    await handleUpload(services.uploads, req, res);
  }
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === '127.0.0.1' || host === '[::1]' ? 'localhost' : host}:${address.port}`,
    server,
    services,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

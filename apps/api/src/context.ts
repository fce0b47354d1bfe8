import type http from 'node:http';
import path from 'node:path';
import { sessionUser } from '@retain/access';
import type { AlertEnvironmentSettings, AlertScheduler } from '@retain/alerts';
import { ChurnTrainingManager } from '@retain/churn';
import type { Role, TrainingEvent } from '@retain/schemas';
import type { IngestProgress, Warehouse } from '@retain/warehouse';
import type { OpenEngine, Requester } from '@retain/workflows';
import { type ServedEngine, serveEngine } from './analyticsRead.ts';
import { isHttps, readCookie, SESSION_COOKIE } from './auth/cookies.ts';
import { LoginLimiter } from './auth/loginLimiter.ts';
import { apiAlertEnv, apiEnv } from './env.ts';
import { CallListDownloads } from './exports.ts';
import { JobProgress } from './jobProgress.ts';
import { ResultCache } from './resultCache.ts';
import { UploadStore } from './uploads.ts';

/** What every procedure can reach. Built once per server. */
export interface ApiServices {
  /** The local database file: what Retain owns (users, audit, models, scores, …) and, by default, the facts. */
  warehouse: Warehouse;
  /**
   * The Trino cluster the analytics read when the server runs with --engine (the local file then
   * holds no facts), with its results cached in the local file; null: the analytics read `warehouse`.
   */
  engine: ServedEngine | null;
  cache: ResultCache;
  /** Files uploaded from the Data page, beside the database. */
  uploads: UploadStore;
  /** Progress of loads started from the Data page. */
  loads: JobProgress<LoadEvent>;
  /** One-time tokens for call-list downloads (see exports.ts). */
  downloads: CallListDownloads;
  /** Churn model training in the background, one run at a time. */
  training: ChurnTrainingManager;
  /** Progress of training runs, for `model.progress`. */
  trainingProgress: JobProgress<TrainingEvent>;
  /** false only in demo mode: a server on localhost that everyone on the machine may use as admin. */
  authRequired: boolean;
  loginLimiter: LoginLimiter;
  /** The currency setting (RETAIN_CURRENCY), which wins over the currency stored with the data. */
  currency: string | undefined;
  /** The server's log of what people start from the dashboard (a training): one line each. */
  activity: (line: string) => void;
  /** Allowed webhook hosts, the signing secret, Chromium (RETAIN_WEBHOOK_HOSTS …). */
  alertEnv: AlertEnvironmentSettings;
  /** Scheduled checks and reports while the server runs (null in-process: tests, the CLI). */
  alertScheduler: AlertScheduler | null;
}

export type LoadEvent = IngestProgress | { section: null; step: 'done' | 'failed'; percent: 100 };

/** Who is asking. */
export interface Viewer {
  username: string;
  role: Role;
  /** Signed in automatically because the server runs in demo mode. */
  demo: boolean;
}

export interface ApiContext extends ApiServices {
  viewer: Viewer | null;
  /** The session cookie's token, when the request carried one. */
  sessionToken: string | null;
  clientIp: string;
  /** Whether the request came over https (cookies get Secure). */
  secure: boolean;
  /** Adds a Set-Cookie header to the response; a no-op for in-process callers. */
  setCookie: (cookie: string) => void;
}

export const DEMO_VIEWER: Viewer = { username: 'demo', role: 'admin', demo: true };

/** The command line acts as an admin: whoever can run it can open the database file anyway. */
export const LOCAL_VIEWER: Viewer = { username: 'local', role: 'admin', demo: false };

export function createServices(
  warehouse: Warehouse,
  options: {
    authRequired?: boolean;
    currency?: string;
    activity?: (line: string) => void;
    alertEnv?: AlertEnvironmentSettings;
    /** A Trino cluster holding the facts (`retain serve --engine`). */
    engine?: OpenEngine | undefined;
  } = {},
): ApiServices {
  const cache = new ResultCache();
  const trainingProgress = new JobProgress<TrainingEvent>();
  const training = new ChurnTrainingManager(warehouse, {
    onEvent: (event) =>
      trainingProgress.publish(event.jobId, event, event.phase === 'done' || event.phase === 'failed'),
    // New scores change what latest_scores (and every read built on it) returns.
    onModelReady: () => cache.clear(),
    // On a cluster the features are extracted there, as `retain train --engine` does.
    trainOptions: {
      currency: options.currency ?? apiEnv.currency,
      ...(options.engine ? { features: options.engine.db } : {}),
    },
  });
  return {
    warehouse,
    engine: options.engine ? serveEngine(warehouse, options.engine, apiEnv.engineRecheckSeconds) : null,
    cache,
    uploads: new UploadStore(path.join(path.dirname(warehouse.path), 'uploads')),
    loads: new JobProgress<LoadEvent>(),
    downloads: new CallListDownloads(),
    training,
    trainingProgress,
    authRequired: options.authRequired ?? false,
    loginLimiter: new LoginLimiter(),
    currency: options.currency ?? apiEnv.currency,
    activity: options.activity ?? (() => undefined),
    alertEnv: options.alertEnv ?? apiAlertEnv,
    alertScheduler: null,
  };
}

/** The viewer of an HTTP request: from its session cookie, or the demo admin when sign-in is off. */
export async function viewerOf(services: ApiServices, req: http.IncomingMessage): Promise<Viewer | null> {
  if (!services.authRequired) return DEMO_VIEWER;
  const token = readCookie(req, SESSION_COOKIE);
  const user = token ? await sessionUser(services.warehouse, token) : null;
  return user ? { ...user, demo: false } : null;
}

export async function contextForRequest(
  services: ApiServices,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<ApiContext> {
  return {
    ...services,
    viewer: await viewerOf(services, req),
    sessionToken: readCookie(req, SESSION_COOKIE),
    clientIp: req.socket.remoteAddress ?? 'unknown',
    secure: isHttps(req),
    setCookie: (cookie) => res.appendHeader('set-cookie', cookie),
  };
}

/** A context for calling procedures in-process (tests, the CLI) as a given viewer. */
export function contextFor(services: ApiServices, viewer: Viewer | null): ApiContext {
  return {
    ...services,
    viewer,
    sessionToken: null,
    clientIp: 'local',
    secure: false,
    setCookie: () => undefined,
  };
}

/** Who asks, for the audit entries of the workflows a procedure runs. */
export function requesterOf(ctx: ApiContext): Requester {
  return { username: ctx.viewer?.username ?? null, via: 'api' };
}

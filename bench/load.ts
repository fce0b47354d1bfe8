// `npm run bench -- load [--seconds 60] [--connections 50] [--customers 50000]`
// Hammers the running server with 50 connections for 60 s across the overview KPIs, the monthly
// cohort matrix, the at-risk list and the scores list: once idle, once while a churn model trains
// in the background. Prints requests, errors and latency percentiles (target: 0 errors, p95 ≤ 300 ms).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_REQUEST_HEADERS } from '@retain/schemas';
import autocannon from 'autocannon';
import { startRetain } from '../test/support/retainServer.ts';
import { argValue, printTable } from './lib/measure.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const seconds = Number(argValue('--seconds', '60'));
const connections = Number(argValue('--connections', '50'));
const customers = Number(argValue('--customers', '50000'));
const db = path.join(here, 'out', `load-${customers}`, 'retain.duckdb');

const trpcPath = (procedure: string, input: unknown) =>
  `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`;
/** A route whose input varies from request to request, as many users paging and filtering do. */
const varied = (procedure: string, inputs: unknown[]) => {
  let next = 0;
  return {
    method: 'GET',
    path: trpcPath(procedure, inputs[0]),
    setupRequest: (request: { path: string }) => {
      next = (next + 1) % inputs.length;
      return { ...request, path: trpcPath(procedure, inputs[next]) };
    },
  };
};
const PAGES = 200;
const regions = [undefined, 'North', 'South', 'East', 'West'];
const ROUTES = [
  varied(
    'overview.kpis',
    regions.map((region) => (region ? { filters: { region: [region] } } : {})),
  ),
  varied('cohorts.matrix', [
    { period: 'month', metric: 'customers' },
    { period: 'quarter', metric: 'revenue' },
    { period: 'week', metric: 'orders' },
  ]),
  varied(
    'atRisk.list',
    Array.from({ length: PAGES }, (_, i) => ({ offset: i * 50, limit: 50 })),
  ),
  varied(
    'scores.list',
    Array.from({ length: PAGES }, (_, i) => ({ page: i + 1, pageSize: 50 })),
  ),
];

interface Phase {
  label: string;
  requests: number;
  errors: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function hammer(url: string, label: string): Promise<Phase> {
  return new Promise((resolve, reject) => {
    const times: number[] = [];
    let failed = 0;
    const instance = autocannon(
      { url, connections, duration: seconds, timeout: 10, requests: ROUTES },
      (error, result) => {
        if (error) return reject(error);
        times.sort((a, b) => a - b);
        resolve({
          label,
          requests: result.requests.total,
          errors: failed + result.errors + result.timeouts,
          perSecond: result.requests.total / seconds,
          p50: percentile(times, 50),
          p95: percentile(times, 95),
          p99: percentile(times, 99),
          max: times.at(-1) ?? 0,
        });
      },
    );
    instance.on('response', (_client, status, _bytes, time) => {
      times.push(time);
      if (status < 200 || status >= 300) failed += 1;
    });
  });
}

async function trpc(
  url: string,
  procedure: string,
  input?: unknown,
  post = false,
): Promise<Record<string, unknown>> {
  const res = post
    ? await fetch(`${url}/trpc/${procedure}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...API_REQUEST_HEADERS },
        body: JSON.stringify(input ?? {}),
      })
    : await fetch(
        `${url}/trpc/${procedure}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`,
      );
  const body = (await res.json()) as { result?: { data: Record<string, unknown> } };
  if (!body.result) throw new Error(`${procedure} failed: ${JSON.stringify(body)}`);
  return body.result.data;
}

console.log(
  `${customers.toLocaleString('en-US')}-customer demo database, ${connections} connections, ${seconds} s per phase\n`,
);
const server = await startRetain({ db, customers });
try {
  // Wait for the model the first start trains, so scores and the at-risk list have data.
  for (;;) {
    if (((await trpc(server.url, 'model.list')) as unknown as unknown[]).length > 0) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  // Warm every route once (first queries build caches), as a running server would be.
  for (const route of ROUTES) {
    const res = await fetch(`${server.url}${route.path}`);
    if (!res.ok) throw new Error(`${route.path}: HTTP ${res.status} ${await res.text()}`);
  }

  const idle = await hammer(server.url, 'idle');
  await trpc(server.url, 'model.train', { seed: 11 }, true);
  const trainStarted = Date.now();
  const training = await hammer(server.url, 'while a model trains');
  const status = await trpc(server.url, 'model.status');
  const stillTraining = status.running !== null;
  let trainSeconds = (Date.now() - trainStarted) / 1000;
  while ((await trpc(server.url, 'model.status')).running !== null)
    await new Promise((r) => setTimeout(r, 1000));
  trainSeconds = (Date.now() - trainStarted) / 1000;

  printTable(
    ['phase', 'requests', 'req/s', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    [idle, training].map((p) => [
      p.label,
      p.requests,
      p.perSecond.toFixed(0),
      p.errors,
      p.p50.toFixed(1),
      p.p95.toFixed(1),
      p.p99.toFixed(1),
      p.max.toFixed(0),
    ]),
  );
  console.log(
    `\ntraining took ${trainSeconds.toFixed(0)} s and ${stillTraining ? 'was still running when' : 'had finished before'} the second phase ended` +
      `\ntarget: 0 errors and p95 ≤ 300 ms in both phases` +
      `\n(2 cores shared by the server, the training worker and the load generator; more cores serve more.)`,
  );
} finally {
  await server.stop();
}

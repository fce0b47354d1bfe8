import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import type { CallListFilters } from '@retain/schemas';
import { isBadInput, type Warehouse } from '@retain/warehouse';
import { streamCallList } from '@retain/workflows';
import { TRPCError } from '@trpc/server';
import type { ServedEngine } from './analyticsRead.ts';
import { callListFacts } from './callListFacts.ts';
import { requestUrl } from './http/badRequest.ts';
import { internalErrorMessage, referenceFor, type ServerLog, stderrLog } from './http/serverErrors.ts';

/** Where the dashboard downloads a call list: GET with the token `atRisk.export` returned. */
export const CALL_LIST_DOWNLOAD_PATH = '/export/call-list.csv';

const TOKEN_TTL_MS = 2 * 60 * 1000;
const MAX_PENDING = 1000;

export interface PendingDownload {
  filters: CallListFilters;
  bom: boolean;
  /** Who asked, recorded in the audit entry when the download ends. */
  username: string | null;
  /** The saved list whose customers to call are downloaded (its control group never is). */
  listId?: string;
  filename: string;
  expiresAt: number;
}

/**
 * One-time download tokens. tRPC cannot stream a file, so `atRisk.export` checks the request and
 * issues a token; the browser then fetches the CSV from a plain HTTP route. The token is the only
 * credential that route takes: unguessable, valid for two minutes, and good for one download.
 */
export class CallListDownloads {
  private readonly pending = new Map<string, PendingDownload>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(request: Omit<PendingDownload, 'expiresAt' | 'filename'>): {
    token: string;
    url: string;
    expiresAt: string;
  } {
    this.prune();
    if (this.pending.size >= MAX_PENDING)
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: 'Too many downloads pending; try again in a minute.',
      });
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = now + TOKEN_TTL_MS;
    const day = new Date(now).toISOString().slice(0, 10);
    const filename = request.listId ? `call-list-${request.listId}.csv` : `call-list-${day}.csv`;
    this.pending.set(token, { ...request, filename, expiresAt });
    return {
      token,
      url: `${CALL_LIST_DOWNLOAD_PATH}?token=${token}`,
      expiresAt: new Date(expiresAt).toISOString(),
    };
  }

  /** The download a token stands for, once; null when unknown, used or expired. */
  take(token: string): PendingDownload | null {
    const download = this.pending.get(token);
    this.pending.delete(token);
    return download && download.expiresAt > this.now() ? download : null;
  }

  private prune(): void {
    const now = this.now();
    for (const [token, download] of this.pending) if (download.expiresAt <= now) this.pending.delete(token);
  }
}

/**
 * GET /export/call-list.csv?token=… streams the call list with backpressure (DuckDB chunk by chunk,
 * waiting for the socket to drain), so a million rows never sit in memory. Until the first byte
 * an error gets a status and a message; after it the connection is cut, so that the browser
 * reports a failed download instead of saving a truncated file. Every download is audited: with
 * its row count when complete, and with `complete: false` when it was cut short.
 */
export async function handleCallListDownload(
  services: { warehouse: Warehouse; downloads: CallListDownloads; engine?: ServedEngine | null },
  req: http.IncomingMessage,
  res: http.ServerResponse,
  log: ServerLog = stderrLog,
): Promise<void> {
  const fail = (status: number, message: string) =>
    res
      .writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
      .end(message);
  if (req.method !== 'GET') return void fail(405, 'Use GET.');
  const token = requestUrl(req).searchParams.get('token') ?? '';
  const download = services.downloads.take(token);
  if (!download) return void fail(410, 'This download link has expired or was used already; export again.');

  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${download.filename}"`);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  let sent = 0;
  try {
    await streamCallList(services.warehouse, download.filters, res, {
      requester: { username: download.username, via: 'api' },
      bom: download.bom,
      facts: await callListFacts(services.warehouse, services.engine ?? null),
      ...(download.listId ? { listId: download.listId } : {}),
      onProgress: (rows) => {
        sent = rows;
      },
      detail: { complete: true, ...(download.listId ? { listId: download.listId } : {}) },
      auditIncomplete: true,
    });
  } catch (error) {
    if (isBadInput(error) && !res.headersSent) fail(400, error.message);
    else {
      const reference = referenceFor(error);
      log(`[export] call list failed after ${sent} rows (ref ${reference}):`, error);
      if (res.headersSent) res.destroy();
      else fail(500, internalErrorMessage(reference));
    }
  }
}

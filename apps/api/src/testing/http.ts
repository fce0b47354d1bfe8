import net from 'node:net';
import { API_REQUEST_HEADERS } from '@retain/schemas';

/** What came back for a request written byte by byte: the status (null when none) and the text. */
export interface RawResponse {
  status: number | null;
  head: string;
  body: string;
}

export interface RawRequestOptions {
  /** Give up after this long and take what arrived (subscriptions never end by themselves). */
  timeoutMs?: number;
  /** After writing: wait for the answer, close our side (FIN), or cut the connection (RST). */
  afterWrite?: 'wait' | 'half-close' | 'abort';
}

/**
 * Writes `request` to the server over a plain TCP socket, so that it can be anything (malformed
 * request lines, broken chunking, truncated bodies), and reads back one response.
 */
export function rawRequest(
  url: string,
  request: string | Buffer,
  { timeoutMs = 3000, afterWrite = 'wait' }: RawRequestOptions = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({
      host: hostname === 'localhost' ? '127.0.0.1' : hostname,
      port: Number(port),
    });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseResponse(Buffer.concat(chunks)));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (isComplete(Buffer.concat(chunks))) finish();
    });
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(request, () => {
      if (afterWrite === 'half-close') socket.end();
      else if (afterWrite === 'abort') socket.resetAndDestroy();
    });
  });
}

function parseResponse(bytes: Buffer): RawResponse {
  const text = bytes.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  return {
    status: status ? Number(status[1]) : null,
    head,
    body: end < 0 ? '' : bytes.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1')).toString('utf8'),
  };
}

/** A whole response has arrived: its head, and a body as long as content-length or chunking says. */
function isComplete(bytes: Buffer): boolean {
  const text = bytes.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const head = text.slice(0, end).toLowerCase();
  const length = /\r\ncontent-length: *(\d+)/.exec(head);
  if (length) return text.length - end - 4 >= Number(length[1]);
  if (/\r\ntransfer-encoding: *chunked/.test(head)) return text.endsWith('\r\n0\r\n\r\n');
  return false; // read until the server closes
}

/** Headers of a JSON call from the dashboard itself (same origin, the API request header). */
export function ownPageHeaders(serverUrl: string, cookie?: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    ...API_REQUEST_HEADERS,
    origin: new URL(serverUrl).origin,
    'sec-fetch-site': 'same-origin',
    ...(cookie ? { cookie } : {}),
  };
}

/** Traces of the server's insides that no response may carry. */
export const INTERNALS: readonly RegExp[] = [
  /\n\s+at /, // a stack frame
  /\bat [\w$.<>]+ \(/, // a stack frame, JSON-escaped
  /node_modules/,
  /file:\/\//,
  /\.[cm]?[tj]s:\d+/, // a source file with a line number
  /\bstack\b"?\s*:/, // a `stack` field
];

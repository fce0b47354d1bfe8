import type http from 'node:http';
import { BadRequestError } from './badRequest.ts';
import { internalErrorMessage, referenceFor, type ServerLog } from './serverErrors.ts';

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

/**
 * Runs a route so that no request can take the server down: whatever it throws, at once or later,
 * becomes a response and a line in the log. A request the server could not read (a BadRequestError,
 * or the URIError of a malformed percent-encoding) gets 400 with the reason; anything else is the
 * server's fault and gets 500 with a reference to the logged error, never the error itself.
 */
export function handleSafely(handler: RequestHandler, log: ServerLog): http.RequestListener {
  return (req, res) => {
    (async () => handler(req, res))().catch((error: unknown) => answerFailure(req, res, error, log));
  };
}

/** Answers a request whose handler failed, and logs why (with the stack, when it is the server's fault). */
export function answerFailure(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  error: unknown,
  log: ServerLog,
): void {
  const where = `${req.method ?? '?'} ${JSON.stringify((req.url ?? '').slice(0, 200))}`;
  if (error instanceof BadRequestError || error instanceof URIError) {
    log(`[http] 400 ${where}: ${error.message}`);
    reply(res, 400, `Bad request: ${error.message}`);
  } else {
    const reference = referenceFor(error);
    log(`[http] 500 ${where} (ref ${reference}):`, error);
    reply(res, 500, internalErrorMessage(reference));
  }
}

function reply(res: http.ServerResponse, status: number, message: string): void {
  // Once the status line is out, a truncated body must not pass for a whole one: cut the connection.
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  for (const name of ['content-disposition', 'content-encoding', 'content-length']) res.removeHeader(name);
  res
    .writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
    .end(message);
}

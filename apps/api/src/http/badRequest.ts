import type http from 'node:http';

/** A request the server cannot read (its address, its encoding): answered with 400, never a crash. */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
}

/**
 * The request's address. Node hands over the request target as sent: usually a path, but possibly
 * an absolute URL or `*`, and none of it is validated.
 */
export function requestUrl(req: http.IncomingMessage): URL {
  const target = req.url ?? '/';
  try {
    // A path is read as a path: `//host/x` is not a link to another host here.
    return new URL(target.startsWith('/') ? `http://localhost${target}` : target);
  } catch {
    throw new BadRequestError('The request address is not a valid URL.');
  }
}

/** `decodeURIComponent`, with malformed percent-encoding (`%E0%A4%A`) reported as a bad request. */
export function decodeUrlPart(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new BadRequestError('The request address has malformed percent-encoding.');
  }
}

import type http from 'node:http';
import { API_REQUEST_HEADER, API_REQUEST_HEADER_VALUE } from '@retain/schemas';
import { isHttps } from '../auth/cookies.ts';

export interface Refusal {
  status: 403 | 415;
  message: string;
}

/** Sec-Fetch-Site values of requests a browser did not send on another site's behalf. */
const OWN_FETCH_SITES = new Set(['same-origin', 'none']);

/**
 * Why a state-changing request must be refused, or null when it proves that it comes from the
 * server's own pages (or from a program such as curl, which holds no one else's cookies).
 *
 * A browser attaches the session cookie to a request another page makes, and SameSite=Strict does
 * not stop a page on the same site (another port of localhost); in demo mode there is no cookie at
 * all and every request is an admin. So a state change must show:
 * - the API request header, which an HTML form cannot send and another origin's script cannot
 *   send without a CORS preflight, which this server never grants;
 * - no Origin, or this server's own (the host the request was addressed to);
 * - no Sec-Fetch-Site, or `same-origin` / `none` (typed in the address bar, or not a browser);
 * - for the API, a JSON body: tRPC would also read multipart forms and octet streams.
 */
export function crossSiteRefusal(req: http.IncomingMessage, options: { json: boolean }): Refusal | null {
  const fetchSite = req.headers['sec-fetch-site'];
  if (fetchSite !== undefined && !OWN_FETCH_SITES.has(fetchSite))
    return { status: 403, message: 'Requests from other sites cannot change anything here.' };
  const origin = req.headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, req))
    return { status: 403, message: 'Requests from other origins cannot change anything here.' };
  if (req.headers[API_REQUEST_HEADER] !== API_REQUEST_HEADER_VALUE)
    return {
      status: 403,
      message: `A request that changes data must carry the header ${API_REQUEST_HEADER}: ${API_REQUEST_HEADER_VALUE}.`,
    };
  if (options.json && mediaType(req.headers['content-type']) !== 'application/json')
    return {
      status: 415,
      message: 'API calls that change data must send JSON (content-type: application/json).',
    };
  return null;
}

/**
 * Whether Origin names the host this request was sent to. Behind a reverse proxy that rewrites
 * Host, the proxy's X-Forwarded-Host is the name the browser used; a form or a cross-origin script
 * cannot set that header, so trusting it opens nothing.
 */
function isOwnOrigin(origin: string, req: http.IncomingMessage): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (a sandboxed frame, a file), or garbage
  }
  // Over https only an https page is ours (a proxy that terminates TLS may not say so: then either).
  if (url.protocol !== 'https:' && (url.protocol !== 'http:' || isHttps(req))) return false;
  const forwarded = req.headers['x-forwarded-host'];
  return [req.headers.host, typeof forwarded === 'string' ? forwarded : undefined].some(
    (host) => host !== undefined && hostOf(url.protocol, host) === url.host,
  );
}

/** A Host header written as URL.host writes it (lower case, the scheme's default port dropped). */
function hostOf(protocol: string, header: string): string | null {
  try {
    return new URL(`${protocol}//${header}`).host;
  } catch {
    return null;
  }
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

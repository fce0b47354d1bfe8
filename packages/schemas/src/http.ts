/*
 * How the dashboard and the server's HTTP routes agree that a request comes from Retain's own pages.
 * Plain constants (no zod), so the dashboard bundles them for free.
 */

/**
 * Every state-changing request (a tRPC POST, an upload) carries this header, or the server refuses
 * it. An HTML form on another page cannot set a header, and a script on another origin cannot send
 * one without a CORS preflight, which the server never grants: the header proves the request was
 * made by a page the server itself served.
 */
export const API_REQUEST_HEADER = 'x-retain-request';
export const API_REQUEST_HEADER_VALUE = '1';

/** The header as a `headers` object, for fetch, XHR and the tRPC client. */
export const API_REQUEST_HEADERS: Readonly<Record<string, string>> = {
  [API_REQUEST_HEADER]: API_REQUEST_HEADER_VALUE,
};

/** At most this many procedures in one batched tRPC request; the server refuses larger batches. */
export const API_MAX_BATCH_SIZE = 100;

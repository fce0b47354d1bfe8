import { randomBytes } from 'node:crypto';

/**
 * Where the server writes about requests that failed: a line, and the error with its stack when
 * there is one. stderr unless the caller of startServer passes its own (tests read it).
 */
export type ServerLog = (line: string, error?: unknown) => void;

export const stderrLog: ServerLog = (line, error) => {
  if (error === undefined) console.error(line);
  else console.error(line, error);
};

const references = new WeakMap<object, string>();

/**
 * A short id for one failure: the same id each time it is asked for the same error, so that the
 * line in the server's log and the message the client got can be matched.
 */
export function referenceFor(error: unknown): string {
  const key = typeof error === 'object' && error !== null ? error : null;
  const known = key ? references.get(key) : undefined;
  if (known) return known;
  const reference = randomBytes(4).toString('hex');
  if (key) references.set(key, reference);
  return reference;
}

/** All a client learns of a failure on the server's side: the stack and the cause stay in the log. */
export function internalErrorMessage(reference: string): string {
  return `Something went wrong on the server; it has been logged (ref ${reference}).`;
}

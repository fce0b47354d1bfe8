/**
 * Where a Trino cluster is and which of its schemas holds the mapped tables, from one URL:
 *
 *   trino://USER@HOST:PORT/CATALOG/SCHEMA            plain HTTP (a cluster on a private network)
 *   trino://USER@HOST:PORT/CATALOG/SCHEMA?ssl=true   HTTPS
 *
 * A password never sits in the URL (it would end up in shell histories and process lists): it is
 * given apart, e.g. by RETAIN_TRINO_PASSWORD, and then HTTPS is required, as Trino itself requires.
 */
export interface TrinoTarget {
  user: string;
  host: string;
  port: number;
  catalog: string;
  schema: string;
  ssl: boolean;
  /** The server address the client talks to. */
  server: string;
}

/** A Trino URL that cannot be used, with what is wrong in words and the part concerned. */
export class EngineConfigError extends Error {
  override readonly name = 'EngineConfigError';
  readonly field = 'engine';
  constructor(
    message: string,
    readonly code: 'engine_url' | 'engine_password_in_url' | 'engine_password_over_http',
    readonly value: string,
  ) {
    super(message);
  }
}

const NAME = /^[A-Za-z_][\w-]*$/;

export function parseTrinoUrl(text: string, options: { password?: string } = {}): TrinoTarget {
  const shown = text.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  const bad = (why: string) =>
    new EngineConfigError(
      `${shown} is not a Trino engine URL: ${why} (trino://USER@HOST:PORT/CATALOG/SCHEMA)`,
      'engine_url',
      shown,
    );
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad('it cannot be read as a URL');
  }
  if (url.protocol !== 'trino:')
    throw bad(`it starts with ${url.protocol.replace(/:$/, '')}://, not trino://`);
  if (url.password) {
    throw new EngineConfigError(
      'the engine URL holds a password: give it in RETAIN_TRINO_PASSWORD instead, so that it stays out of shell histories and process lists',
      'engine_password_in_url',
      shown,
    );
  }
  const user = decodeURIComponent(url.username);
  if (!user) throw bad('it names no user (USER@ before the host)');
  if (!url.hostname) throw bad('it names no host');
  const [catalog, schema, ...more] = url.pathname.replace(/^\//, '').split('/');
  if (!catalog || !schema || more.length > 0) throw bad('the path must be /CATALOG/SCHEMA');
  for (const part of [catalog, schema]) {
    if (!NAME.test(part)) throw bad(`"${part}" is not a catalog or schema name`);
  }
  const sslParam = url.searchParams.get('ssl');
  if (sslParam !== null && sslParam !== 'true' && sslParam !== 'false')
    throw bad('ssl must be true or false');
  for (const key of url.searchParams.keys()) {
    if (key !== 'ssl') throw bad(`it has an unknown setting "${key}"`);
  }
  const ssl = sslParam === 'true';
  if (options.password && !ssl) {
    throw new EngineConfigError(
      'a Trino password is only sent over HTTPS: add ?ssl=true to the engine URL',
      'engine_password_over_http',
      shown,
    );
  }
  const port = url.port ? Number(url.port) : ssl ? 443 : 8080;
  const host = url.hostname;
  return { user, host, port, catalog, schema, ssl, server: `${ssl ? 'https' : 'http'}://${host}:${port}` };
}

/** Whether an engine setting names a Trino cluster (anything else is the embedded DuckDB file). */
export function isTrinoUrl(text: string | undefined): boolean {
  return text !== undefined && /^trino:\/\//i.test(text.trim());
}

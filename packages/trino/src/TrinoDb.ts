import type { Appender, ColumnRequest, Columns, Db, Sql, SqlParam } from '@retain/warehouse';
import { BasicAuth, type QueryResult, Trino } from 'trino-client';
import type { z } from 'zod';
import { EngineError, engineErrorFrom } from './engineError.ts';
import type { TrinoTarget } from './engineUrl.ts';
import { EngineCapabilityError, trinoDialect } from './trinoDialect.ts';

/** A literal for a bound value. Trino's HTTP protocol binds no parameters, so values are written
 * into the text as typed literals; strings are quoted (Trino has no backslash escapes). */
export function trinoLiteral(value: SqlParam): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return trinoDialect.quoteString(value);
  if (Number.isNaN(value)) return 'nan()';
  if (value === Number.POSITIVE_INFINITY) return 'infinity()';
  if (value === Number.NEGATIVE_INFINITY) return '-infinity()';
  // A whole number stays an integer (INTEGER or BIGINT); any other is a DOUBLE, as DuckDB binds it
  // (a plain 0.5 would be a DECIMAL in Trino, with other arithmetic).
  if (Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER) return String(value);
  const text = String(value);
  return /e/i.test(text) ? text : `${text}e0`;
}

/** One Trino column value as DuckDB's JavaScript conversion gives it (the row schemas expect that). */
function fromTrino(type: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const base = type.replace(/\(.*$/s, '').toLowerCase();
  switch (base) {
    case 'date':
      return new Date(`${value}T00:00:00Z`);
    case 'timestamp': {
      const [day, time = '00:00:00'] = String(value).split(' ');
      return new Date(`${day}T${time.slice(0, 12)}Z`);
    }
    case 'decimal':
      return Number(value);
    case 'double':
    case 'real':
      return typeof value === 'string' ? Number(value) : value;
    case 'array': {
      const inner = type.slice(type.indexOf('(') + 1, -1);
      return (value as unknown[]).map((item) => fromTrino(inner, item));
    }
    default:
      return value;
  }
}

export interface TrinoDbOptions {
  password?: string;
  /** Trino session properties (e.g. query_max_memory) for every statement. */
  session?: Record<string, string>;
}

/**
 * A warehouse handle on a Trino cluster. It reads: the mapped tables stay where they are, and
 * what Retain writes (users, models, scores, audit) goes to the local DuckDB file. Writes that
 * the dialect cannot express there, transactions and appenders, are refused with a clear error.
 */
export class TrinoDb implements Db {
  readonly dialect = trinoDialect;
  private readonly client: Trino;
  private readonly session: Record<string, string>;
  private running: string | null = null;

  constructor(
    readonly target: TrinoTarget,
    options: TrinoDbOptions = {},
  ) {
    this.session = options.session ?? {};
    this.client = Trino.create({
      server: target.server,
      catalog: target.catalog,
      schema: target.schema,
      source: 'retain',
      auth: new BasicAuth(target.user, options.password),
      session: options.session,
      extraHeaders: { 'X-Trino-Time-Zone': 'UTC' },
    });
  }

  /** The statement's text with its values written in as literals. */
  render(statement: Sql): string {
    return statement.render((index) => trinoLiteral(statement.values[index] ?? null)).text;
  }

  /** Runs a statement and yields its rows (as objects) a page at a time, as Trino sends them. */
  private async *pages(statement: Sql): AsyncGenerator<Record<string, unknown>[]> {
    const text = this.render(statement);
    let iterator: AsyncIterable<QueryResult>;
    try {
      iterator = await this.client.query(text);
    } catch (error) {
      throw engineErrorFrom(error, this.target);
    }
    let columns: Array<{ name: string; type: string }> | undefined;
    try {
      for await (const page of iterator) {
        this.running = page.id;
        if (page.error) throw engineErrorFrom(page.error, this.target);
        columns ??= page.columns;
        const cols = columns;
        if (page.data && cols) {
          yield page.data.map((row) => {
            const out: Record<string, unknown> = {};
            cols.forEach((column, i) => {
              out[column.name] = fromTrino(column.type, row[i]);
            });
            return out;
          });
        }
      }
    } catch (error) {
      throw error instanceof EngineError ? error : engineErrorFrom(error, this.target);
    } finally {
      this.running = null;
    }
  }

  private async rows(statement: Sql): Promise<Record<string, unknown>[]> {
    const all: Record<string, unknown>[] = [];
    for await (const page of this.pages(statement)) all.push(...page);
    return all;
  }

  async query<S extends z.ZodType>(statement: Sql, rowSchema: S): Promise<Array<z.output<S>>> {
    return (await this.rows(statement)).map((row, index) => validate(rowSchema, row, index));
  }

  async first<S extends z.ZodType>(statement: Sql, rowSchema: S): Promise<z.output<S> | null> {
    const row = (await this.rows(statement))[0];
    return row === undefined ? null : validate(rowSchema, row, 0);
  }

  async scalar<S extends z.ZodType>(statement: Sql, schema: S): Promise<z.output<S>> {
    const row = (await this.rows(statement))[0];
    return validate(schema, row === undefined ? null : (Object.values(row)[0] ?? null), 0);
  }

  async run(statement: Sql): Promise<void> {
    await this.rows(statement);
  }

  async count(statement: Sql): Promise<number> {
    const row = (await this.rows(statement))[0];
    return Number(row === undefined ? 0 : (Object.values(row)[0] ?? 0));
  }

  async columns(statement: Sql, request: ColumnRequest): Promise<Columns> {
    const numbers: Record<string, number[]> = Object.fromEntries(request.numbers.map((n) => [n, []]));
    const texts: Record<string, string[]> = Object.fromEntries(request.texts.map((n) => [n, []]));
    let rows = 0;
    for await (const page of this.pages(statement)) {
      for (const row of page) {
        for (const name of request.numbers) {
          if (!(name in row)) throw new Error(`the query has no column ${name}`);
          numbers[name]?.push(Number(row[name]));
        }
        for (const name of request.texts) {
          if (!(name in row)) throw new Error(`the query has no column ${name}`);
          texts[name]?.push(String(row[name] ?? ''));
        }
        rows += 1;
      }
    }
    return {
      rows,
      numbers: Object.fromEntries(Object.entries(numbers).map(([k, v]) => [k, Float64Array.from(v)])),
      texts,
    };
  }

  async *streamText(statement: Sql): AsyncIterable<readonly string[]> {
    // Each page is handed on before the next is asked for, so memory holds one page.
    for await (const page of this.pages(statement)) {
      yield page.map((row) => String(Object.values(row)[0] ?? ''));
    }
  }

  async appender(): Promise<Appender> {
    throw new EngineCapabilityError('append rows to a table');
  }

  async transaction<T>(): Promise<T> {
    throw new EngineCapabilityError("write Retain's own tables in a transaction");
  }

  /** Each Trino query reads one consistent view of the tables it scans; a series of them reads
   * the source as it stands, which the cached aggregates pin with the source's fingerprint. */
  async snapshot<T>(task: (db: Db) => Promise<T>): Promise<T> {
    return task(this);
  }

  /**
   * Runs one statement's text as given and yields Trino's answers as it sends them (columns, data,
   * and an `error` the caller words itself), with extra session properties for this statement.
   * Stopping early (a `break` or `return`) cancels the query on the cluster. For the SQL console,
   * which checks the text itself and must word Trino's errors for its users.
   */
  async *rawPages(text: string, session: Record<string, string> = {}): AsyncGenerator<QueryResult> {
    let iterator: AsyncIterable<QueryResult>;
    try {
      iterator = await this.client.query({ query: text, session: { ...this.session, ...session } });
    } catch (error) {
      throw engineErrorFrom(error, this.target);
    }
    let open: string | null = null;
    try {
      for await (const page of iterator) {
        open = page.nextUri ? page.id : null;
        yield page;
      }
    } catch (error) {
      throw engineErrorFrom(error, this.target);
    } finally {
      if (open) await this.cancel(open);
    }
  }

  /** Cancels a query on the cluster by its id; a query that has already ended is left alone. */
  async cancel(queryId: string): Promise<void> {
    await this.client.cancel(queryId).catch(() => {});
  }

  interrupt(): void {
    const id = this.running;
    if (id) void this.client.cancel(id).catch(() => {});
  }
}

function validate<S extends z.ZodType>(schema: S, row: unknown, index: number): z.output<S> {
  const parsed = schema.safeParse(row);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`result row ${index + 1}: column ${issue?.path.join('.') || 'value'}: ${issue?.message}`);
}

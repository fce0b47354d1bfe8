import { describe, expect, it } from 'vitest';
import { duckdbDialect } from '../dialect/duckdb/duckdbDialect.ts';
import { sql } from './sql.ts';

const render = (statement: ReturnType<typeof sql>) => statement.render(duckdbDialect.placeholder);

describe('sql', () => {
  it('binds interpolated values and never writes them into the text', () => {
    const name = "O'Brien; DROP TABLE customers";
    expect(render(sql`SELECT * FROM customers WHERE name = ${name} AND n > ${3}`)).toEqual({
      text: 'SELECT * FROM customers WHERE name = $1 AND n > $2',
      values: [name, 3],
    });
  });

  it('splices fragments with their own values, in order', () => {
    const where = sql.join(
      [sql`a = ${1}`, sql.empty, sql`b IN (${sql.join([sql`${'x'}`, sql`${'y'}`])})`],
      ' AND ',
    );
    expect(render(sql`SELECT ${sql.ident('we"ird')} FROM t WHERE ${where} LIMIT ${10}`)).toEqual({
      text: 'SELECT "we""ird" FROM t WHERE a = $1 AND b IN ($2, $3) LIMIT $4',
      values: [1, 'x', 'y', 10],
    });
  });

  it('reads named placeholders outside quotes, and refuses one without a value', () => {
    const statement = sql.named('SELECT \'$not\', "$col", $a, $b, $a FROM t', { a: 1, b: null, unused: 2 });
    expect(render(statement)).toEqual({
      text: `SELECT '$not', "$col", $1, $2, $3 FROM t`,
      values: [1, null, 1],
    });
    expect(() => sql.named('SELECT $missing', {})).toThrow(/\$missing/);
  });
});

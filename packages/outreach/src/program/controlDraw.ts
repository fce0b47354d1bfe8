import { createHash } from 'node:crypto';
import { type Dialect, type Sql, sql } from '@retain/warehouse';

/*
 * Control assignment: a customer is held back when the draw of (list id, customer id) falls below
 * the list's control share. The draw is the first 32 bits of the MD5 of "listId:customerId" over
 * 2^32, uniform on [0, 1): seeded by the list id, so re-creating a list gives the same split, and
 * independent of the ranking, so the control group is a random sample of every rank.
 */

/** The draw in JavaScript (tests, the demo generator); controlDrawSql is the same in SQL. */
export function controlDraw(listId: string, customerId: string): number {
  const hex = createHash('md5').update(`${listId}:${customerId}`).digest('hex').slice(0, 8);
  return Number.parseInt(hex, 16) / 2 ** 32;
}

/** The draw as an SQL expression of two text expressions: the same number on every engine. */
export function controlDrawSql(d: Dialect, listId: Sql, customerId: Sql): Sql {
  const digits = sql`substr(${d.md5Hex(sql`${listId} || ':' || ${customerId}`)}, 1, 8)`;
  return sql`(${d.hexToInteger(digits)} / 4294967296.0)`;
}

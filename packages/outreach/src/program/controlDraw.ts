import { createHash } from 'node:crypto';

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

/** The draw as a DuckDB expression of two VARCHAR expressions. */
export function controlDrawSql(listId: string, customerId: string): string {
  return `(('0x' || left(md5(${listId} || ':' || ${customerId}), 8))::UBIGINT / 4294967296.0)`;
}

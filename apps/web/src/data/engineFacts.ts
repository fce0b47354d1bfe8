import { formatInteger } from '../format.ts';

/** What `info.get` says of the engine the facts live on (null on the embedded warehouse). */
export interface EngineFacts {
  /** `Trino at HOST:PORT CATALOG.SCHEMA`. */
  name: string;
  /** ISO instant the facts' version was last read on the engine. */
  checkedAt: string;
}

// In the reader's locale and time zone: "checked" answers "is this what is there now?", so the
// time of the check matters, to the second (a check a few seconds after the last must read later).
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const dayTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function sameLocalDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** When the facts were last checked: the time alone today, with the day otherwise. */
export function checkedAtText(checkedAt: string, now: Date = new Date()): string {
  const at = new Date(checkedAt);
  if (Number.isNaN(at.getTime())) return checkedAt;
  return sameLocalDay(at, now) ? time.format(at) : dayTime.format(at);
}

/**
 * The Data page's line on a cluster: where the facts are, when their version was last checked and
 * that version in words, by its order lines (`Facts on Trino at trino.internal:8080 lake.sales ·
 * checked 2:02:07 PM · 1,234,567 order lines`).
 */
export function engineFactsLine(engine: EngineFacts, orderLines: number, now: Date = new Date()): string {
  const lines = `${formatInteger(orderLines)} order ${orderLines === 1 ? 'line' : 'lines'}`;
  return `Facts on ${engine.name} · checked ${checkedAtText(engine.checkedAt, now)} · ${lines}`;
}

import { createHash } from 'node:crypto';
import { LOST_GAP_MULTIPLE, LOST_MIN_DAYS, LOST_SINGLE_ORDER_DAYS } from '@retain/schemas';
import { formatDate, type HistoryWindow, msPerDay, type TimestampFormatter } from './calendar.ts';
import { catalogue } from './catalogue.ts';
import type { CsvWriter } from './csvWriter.ts';
import type { ProductCategory } from './parameters.ts';
import type { CustomerHistory } from './posterior.ts';
import { Random } from './random.ts';
import { formatCents } from './simulateCustomer.ts';

/*
 * The retention team's past call lists, and what the calls really did. Every four weeks the team
 * listed the consenting customers its scorer of the day put at 50 % or more to churn (old ranking:
 * the long-lapsed first), a sample of them, holding back a control group; it called the rest over
 * the next ten days. A call that reaches a customer keeps them (one more order within the horizon)
 * with a probability that depends on who they are: larger after a recent complaint that was
 * resolved slowly, none for the long-lapsed ("lost" by the rule in @retain/schemas). Both potential
 * outcomes of every member are known here, so program_truth.csv holds the true effect of each list.
 */

export interface ProgramParameters {
  lists: number;
  /** Days between two lists. */
  everyDays: number;
  horizonDays: number;
  controlShare: number;
  /** Of the customers at 50 % or more, the share a list samples. */
  inclusion: number;
  /** P(a call reaches the customer). */
  reach: number;
  /** P(a reached customer is kept): after a recent slow complaint, for the lost, for the others. */
  effectSlowComplaint: number;
  effectLost: number;
  effectOther: number;
}

export const programParameters: ProgramParameters = {
  lists: 8,
  everyDays: 28,
  horizonDays: 90,
  controlShare: 0.2,
  inclusion: 0.12,
  reach: 0.65,
  effectSlowComplaint: 0.4,
  effectLost: 0,
  effectOther: 0.1,
};

export const programHeaders = {
  lists: [
    'list_id',
    'kind',
    'list_date',
    'horizon_days',
    'control_share',
    'capacity',
    'filters',
    'call_effect',
    'created_at',
  ],
  members: ['list_id', 'customer_id', 'arm', 'rank', 'churn_probability', 'value_at_risk', 'expected_saved'],
  outcomes: ['customer_id', 'contacted_at', 'outcome', 'note', 'recorded_by'],
  truth: [
    'list_id',
    'customer_id',
    'arm',
    'call_keeps_probability',
    'reached',
    'retained_uncalled',
    'effect',
  ],
} as const;

export interface ProgramWriters {
  members: CsvWriter;
  outcomes: CsvWriter;
  truth: CsvWriter;
  purchases: CsvWriter;
}

/** The same draw as @retain/outreach's controlDraw: MD5 of "listId:customerId", first 32 bits over 2^32. */
export function controlDraw(listId: string, customerId: string): number {
  return (
    Number.parseInt(createHash('md5').update(`${listId}:${customerId}`).digest('hex').slice(0, 8), 16) /
    2 ** 32
  );
}

interface PastList {
  listId: string;
  /** Generator day of the list date (its 00:00). */
  day: number;
  date: string;
}

interface Member {
  listId: string;
  customerId: string;
  arm: 'treated' | 'control';
  churnProbability: number;
  valueAtRisk: number;
}

const SLOW_DAYS = 7;
const RECENT_COMPLAINT_DAYS = 90;
const REACHED_OUTCOMES = [
  { outcome: 'offer_accepted', weight: 0.3 },
  { outcome: 'reached', weight: 0.55 },
  { outcome: 'declined', weight: 0.12 },
  { outcome: 'do_not_call', weight: 0.03 },
] as const;

export class ProgramSimulator {
  readonly lists: PastList[];
  private readonly members: Member[] = [];
  private readonly random: Random;
  private extraOrders = 0;
  /** Order lines written for saved customers. */
  extraLines = 0;

  constructor(
    private readonly window: HistoryWindow,
    private readonly formatter: TimestampFormatter,
    private readonly seed: number,
    private readonly p: ProgramParameters = programParameters,
  ) {
    this.random = new Random(seed, 0);
    // The latest list matured a week before the history ends; one more, a month before the end, has not.
    const matured = Array.from(
      { length: p.lists },
      (_, k) => window.days - p.horizonDays - 7 - p.everyDays * (p.lists - 1 - k),
    );
    const days = [...matured, window.days - 30].filter((day) => day > 180);
    this.lists = days.map((day, k) => {
      const date = formatDate(window.startMs + day * msPerDay);
      return { listId: `L-${date.replaceAll('-', '')}-demo${String(k + 1).padStart(2, '0')}`, day, date };
    });
  }

  /**
   * One customer's part in the lists: membership, arm, the calls and their outcomes, and an order
   * for each customer a call kept. `history` is what the files hold up to the end.
   */
  simulate(
    index: number,
    customerId: string,
    consent: boolean,
    region: string,
    history: CustomerHistory,
    writers: ProgramWriters,
  ): void {
    if (!consent) return;
    const random = this.random;
    // A stream of its own: the rest of the demo is the same with or without the program.
    random.reseed(this.seed + 0x5eed, index);
    const toDay = (ms: number) => (ms - this.window.startMs) / msPerDay;
    const orders = history.orders.map((o) => ({
      day: toDay(o.at),
      amount: o.lines.reduce((s, l) => s + l.amount, 0),
    }));
    const complaints = history.complaints.map((c) => ({
      opened: toDay(c.openedAt),
      resolved: c.resolvedAt === null ? Number.POSITIVE_INFINITY : toDay(c.resolvedAt),
    }));
    const category = (history.orders.at(-1)?.lines[0]?.category ?? 'Home') as ProductCategory;
    let busyUntil = 0;
    let doNotCall = false;
    for (const list of this.lists) {
      const d = list.day;
      if (doNotCall || d < busyUntil) continue;
      const before = orders.filter((o) => o.day < d + 1);
      const last = before.at(-1);
      const first = before[0];
      if (!last || !first) continue;
      const daysSince = d - Math.floor(last.day);
      const gap =
        before.length > 1 ? (Math.floor(last.day) - Math.floor(first.day)) / (before.length - 1) : null;
      const lost =
        gap === null
          ? daysSince > LOST_SINGLE_ORDER_DAYS
          : daysSince > LOST_MIN_DAYS && daysSince > LOST_GAP_MULTIPLE * gap;
      // The scorer of the day: the longer past the usual gap, the likelier gone.
      const churnProbability = lost ? 0.97 : 1 - Math.exp(-daysSince / (1.5 * Math.max(gap ?? 120, 1)));
      const include = random.uniform() < this.p.inclusion;
      const reached = random.uniform() < this.p.reach;
      const keep = random.uniform();
      const callPick = random.uniform() * 9;
      // One of the nine working days after the list, between 09:00 and 17:00.
      const callDay = d + 1 + Math.floor(callPick) + (9 + 8 * (callPick % 1)) / 24;
      const orderAt = random.uniform();
      const outcomePick = random.uniform();
      if (churnProbability < 0.5 || !include) continue;
      const slow = complaints.some(
        (c) =>
          c.opened >= d - RECENT_COMPLAINT_DAYS &&
          c.opened < d + 1 &&
          (c.resolved >= d + 1 || c.resolved - c.opened > SLOW_DAYS),
      );
      const keepProbability = lost
        ? this.p.effectLost
        : slow
          ? this.p.effectSlowComplaint
          : this.p.effectOther;
      const spend = before.filter((o) => o.day >= d - 364).reduce((s, o) => s + o.amount, 0);
      const averageOrder = before.reduce((s, o) => s + o.amount, 0) / before.length;
      const valueAtRisk = churnProbability * Math.max(spend, averageOrder);
      const arm = controlDraw(list.listId, customerId) < this.p.controlShare ? 'control' : 'treated';
      const retainedUncalled = orders.some((o) => o.day >= d + 1 && o.day < d + 1 + this.p.horizonDays);
      const effect = !retainedUncalled && reached && keep < keepProbability;
      this.members.push({ listId: list.listId, customerId, arm, churnProbability, valueAtRisk });
      busyUntil = d + 1 + this.p.horizonDays;
      writers.truth.write(
        `${list.listId},${customerId},${arm},${(this.p.reach * keepProbability).toFixed(4)},${reached ? 1 : 0},${retainedUncalled ? 1 : 0},${effect ? 1 : 0}\n`,
      );
      if (arm === 'control') continue;
      const outcome = reached ? pickOutcome(outcomePick) : 'no_answer';
      if (callDay < this.window.days) {
        writers.outcomes.write(`${customerId},${this.formatter.timestamp(callDay)},${outcome},,demo\n`);
      }
      if (outcome === 'do_not_call') doNotCall = true;
      if (!effect) continue;
      // The kept customer orders once more before the horizon ends, after the call.
      const day = callDay + orderAt * (d + 1 + this.p.horizonDays - callDay);
      if (day >= this.window.days) continue; // after the history: not in the files
      const products = catalogue[category];
      const product = products[Math.floor(orderAt * products.length) % products.length];
      if (!product) continue;
      this.extraOrders += 1;
      this.extraLines += 1;
      writers.purchases.write(
        `OC${String(this.extraOrders).padStart(7, '0')},${customerId},${this.formatter.timestamp(day)},${formatCents(product.priceCents)},1,${formatCents(product.priceCents)},${product.csvName},${product.category},web,${region}\n`,
      );
      orders.push({ day, amount: product.priceCents / 100 });
      orders.sort((a, b) => a.day - b.day);
    }
  }

  /** The lists and their members, ranked as the old scorer did: value at risk, then probability. */
  finish(lists: CsvWriter, members: CsvWriter): void {
    for (const list of this.lists) {
      lists.write(
        `${list.listId},at-risk,${list.date},${this.p.horizonDays},${this.p.controlShare},,"{""minProbability"":0.5}",0.1,${list.date}T08:00:00Z\n`,
      );
      const of = this.members
        .filter((m) => m.listId === list.listId)
        .sort(
          (a, b) =>
            b.valueAtRisk - a.valueAtRisk ||
            b.churnProbability - a.churnProbability ||
            (a.customerId < b.customerId ? -1 : 1),
        );
      of.forEach((m, i) => {
        members.write(
          `${m.listId},${m.customerId},${m.arm},${i + 1},${m.churnProbability.toFixed(6)},${m.valueAtRisk.toFixed(2)},${(m.valueAtRisk * 0.1).toFixed(2)}\n`,
        );
      });
    }
  }

  get orders(): number {
    return this.extraOrders;
  }
}

function pickOutcome(u: number): string {
  let left = u;
  for (const { outcome, weight } of REACHED_OUTCOMES) {
    left -= weight;
    if (left < 0) return outcome;
  }
  return 'reached';
}

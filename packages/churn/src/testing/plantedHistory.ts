import { isoDate } from '../dates.ts';
import { SeededRandom } from '../random.ts';
import type { History } from './fixtures.ts';

export interface PlantedOptions {
  customers: number;
  /** Last day of the history (YYYY-MM-DD). */
  end: string;
  /** Days of history; customers join in its first half. */
  days: number;
  seed: number;
  /**
   * Without: a pure BG/NBD process (BG/NBD is the true model). With: besides, some customers
   * complain, and most of those leave at once with the complaint still open, which BG/NBD cannot see.
   */
  complaints?: boolean;
}

/**
 * A purchase log drawn from a process whose answer is known: each customer buys as a Poisson process
 * with rate λ ~ Gamma(0.6, 1/12 per day) and, after each purchase, leaves for good with probability
 * p ~ Beta(1, 6) — exactly BG/NBD's assumptions. Orders carry no amount (a plain log of purchase
 * days: spend is 0 throughout), there are no returns, and no customers table.
 */
export function plantedHistory(options: PlantedOptions): History {
  const random = new SeededRandom(options.seed);
  const endDay = Math.round(Date.parse(`${options.end}T00:00:00Z`) / 86_400_000);
  const startDay = endDay - options.days + 1;
  const at = (day: number) =>
    `${isoDate(Math.floor(day))} ${String(Math.floor((day % 1) * 24)).padStart(2, '0')}:00:00`;
  const history: History = { customers: [], lines: [], complaints: [], returns: [] };
  let orders = 0;
  for (let c = 0; c < options.customers; c++) {
    const id = `P${String(c).padStart(5, '0')}`;
    const rate = gamma(random, 0.6) / 12;
    const dropout = beta(random, 1, 6);
    let t = startDay + random.next() * (options.days / 2);
    // A complaint, for some, at a random time in the customer's first year; most leave at once.
    const complaintAt =
      options.complaints && random.next() < 0.35 ? t + 1 + random.next() * 365 : Number.POSITIVE_INFINITY;
    const leavesAtComplaint = random.next() < 0.85;
    let complained = false;
    while (t <= endDay) {
      history.lines.push({ orderId: `O${orders++}`, customerId: id, at: at(t), amount: 0 });
      if (random.next() < dropout) break;
      const next = t - Math.log(1 - random.next()) / rate;
      if (!complained && complaintAt < next && complaintAt <= endDay) {
        complained = true;
        history.complaints.push({
          id: `K${c}`,
          customerId: id,
          openedAt: at(complaintAt),
          resolvedAt: leavesAtComplaint ? null : at(Math.min(endDay, complaintAt + 2)),
          severity: leavesAtComplaint ? 4 : 2,
        });
        if (leavesAtComplaint) break;
      }
      t = next;
    }
  }
  return history;
}

/** Gamma(shape, 1) by Marsaglia and Tsang (boosted for shape < 1). */
function gamma(random: SeededRandom, shape: number): number {
  if (shape < 1) return gamma(random, shape + 1) * random.next() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = random.normal();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = random.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function beta(random: SeededRandom, a: number, b: number): number {
  const x = gamma(random, a);
  return x / (x + gamma(random, b));
}

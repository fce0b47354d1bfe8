import { type HistoryWindow, msPerDay, TimestampFormatter, toWholeSeconds } from './calendar.ts';
import { catalogue, type Product } from './catalogue.ts';
import type { CsvWriter } from './csvWriter.ts';
import { randomContact } from './names.ts';
import { complaintRateFromFactors, HazardBumps, returnProbabilityFromKeep } from './orderEffects.ts';
import {
  type Channel,
  type ComplaintCategory,
  channels,
  complaintCategories,
  type DemoParameters,
  type ProductCategory,
  productCategories,
  type Region,
  regions,
} from './parameters.ts';
import type { CustomerHistory, HistoryComplaint, HistoryOrder } from './posterior.ts';
import { cumulativeWeights, Random } from './random.ts';
import { SeasonalClock, specialDayOf } from './seasonalClock.ts';

export interface DemoWriters {
  customers: CsvWriter;
  purchases: CsvWriter;
  complaints: CsvWriter;
  returns: CsvWriter;
  truth: CsvWriter;
}

/** What the simulator knows at the end of the history, for truth.csv. */
export interface CustomerTruth {
  aliveAtEnd: boolean;
  /** λ: orders per day at seasonal intensity 1, channel and region included. */
  purchaseRate: number;
  /** m·μ̃: base dropout hazard per day, channel and region included. */
  dropoutHazard: number;
  /** m·(μ̃ + A(T)): the dropout hazard at the end of the history, complaints and returns included. */
  dropoutHazardAtEnd: number;
  /** P(no order in the horizon | the true latent state at T). */
  latentChurnProbability: number;
  ordersNextHorizon: number;
  /** Generator time of death, or NaN when still alive at the end of the horizon. */
  diedAt: number;
}

/** Upper bound of one purchases.csv row in bytes (ids, timestamp, amounts, names of at most ~40 ASCII chars). */
const maxLineBytes = 256;

const discountNone = 0;
const discountBlackFriday = 1;
const discountWinterSale = 2;

function padded(prefix: string, value: number, width: number): string {
  return prefix + String(value).padStart(width, '0');
}

/**
 * Simulates one customer at a time and writes their rows. One instance is reused for all customers so
 * the hot loop allocates almost nothing; ids are numbered in file order, which is why customers must be
 * simulated in sequence.
 */
export class CustomerSimulator {
  readonly parameters: DemoParameters;
  readonly window: HistoryWindow;
  readonly horizonDays: number;
  readonly clock: SeasonalClock;
  readonly formatter: TimestampFormatter;
  orders = 0;
  orderLines = 0;
  complaints = 0;
  returns = 0;
  /** The observed history of the customer just simulated, when the simulator collects histories. */
  lastHistory: CustomerHistory | undefined;
  /** Whether the customer just simulated consented to be contacted, and their region. */
  lastConsent = false;
  lastRegion: Region = 'North';

  private readonly random: Random;
  private readonly seed: number;
  private readonly end: number;
  private readonly bumps = new HazardBumps();
  private readonly dayDiscount: Uint8Array;
  private readonly regionTable: Float64Array;
  private readonly categoryTable: Float64Array;
  private readonly orderChannelTable: Float64Array;
  private readonly severityTable: Float64Array;
  private readonly hourTable: Float64Array;
  // The current order's lines; reused across orders, valid up to `lineCount`.
  private readonly lineCategories: ProductCategory[] = [];
  private readonly lineCents: number[] = [];
  private readonly lineProducts: Product[] = [];
  private lineCount = 0;
  private readonly collectHistory: boolean;
  /** C(T + day) − C(T) for day = 0..horizon: the same for every customer, so computed once. */
  private readonly futureClock: Float64Array;

  // Per-customer state, reset by `simulate`.
  private customerId = '';
  private region: Region = 'North';
  private primaryChannel: Channel = 'web';
  private extraLines = 1;
  private favourite1: ProductCategory = 'Apparel';
  private favourite2: ProductCategory = 'Home';
  private priceAffinity = 0;
  private ordersInFuture = 0;
  private historyOrders: HistoryOrder[] = [];
  private historyComplaints: HistoryComplaint[] = [];

  constructor(
    window: HistoryWindow,
    horizonDays: number,
    seed: number,
    parameters: DemoParameters,
    collectHistory: boolean,
  ) {
    this.parameters = parameters;
    this.window = window;
    this.horizonDays = horizonDays;
    this.seed = seed;
    this.end = window.days;
    this.collectHistory = collectHistory;
    // Reseeded for each customer; the initial stream does not matter.
    this.random = new Random(seed, 0);
    // Orders are simulated to the end of the churn window; one more day keeps inversions inside the table.
    const tableDays = window.days + horizonDays + 1;
    this.clock = new SeasonalClock(window.startMs, tableDays, parameters);
    this.formatter = new TimestampFormatter(window.startMs, tableDays);
    this.futureClock = Float64Array.from(
      { length: horizonDays + 1 },
      (_, day) => this.clock.at(window.days + day) - this.clock.at(window.days),
    );
    this.dayDiscount = new Uint8Array(tableDays);
    for (let day = 0; day < tableDays; day++) {
      const ms = window.startMs + day * msPerDay;
      const date = new Date(ms);
      const special = specialDayOf(ms);
      if (special === 'blackFriday' || special === 'cyberWeekend')
        this.dayDiscount[day] = discountBlackFriday;
      else if (date.getUTCMonth() === 11 && date.getUTCDate() >= 26)
        this.dayDiscount[day] = discountWinterSale;
    }
    this.regionTable = cumulativeWeights(regions.map((r) => parameters.acquisition.regionWeights[r]));
    this.categoryTable = cumulativeWeights(
      productCategories.map((c) => parameters.basket.categoryWeights[c]),
    );
    this.orderChannelTable = cumulativeWeights(channels.map((c) => parameters.acquisition.channelWeights[c]));
    this.severityTable = cumulativeWeights(parameters.complaints.severityProbabilities);
    this.hourTable = cumulativeWeights(parameters.seasonality.hourFactors);
  }

  /**
   * Simulates customer number `index` (1-based) who signs up on `signupDay` and writes their rows;
   * returns the truth for customers with at least one order and `undefined` for never-purchasers.
   */
  simulate(index: number, signupDay: number, writers: DemoWriters): CustomerTruth | undefined {
    const random = this.random;
    const p = this.parameters;
    random.reseed(this.seed, index);
    this.customerId = padded('C', index, 7);
    this.lastHistory = undefined;

    const signupAt = toWholeSeconds(
      signupDay + (random.pickCumulative(this.hourTable) + random.uniform()) / 24,
    );
    this.region = regions[random.pickCumulative(this.regionTable)] ?? 'North';
    this.primaryChannel = this.pickSignupChannel(signupAt);
    const contact = randomContact(random, index);
    const consent = !random.bernoulli(p.noConsentShare);
    this.lastConsent = consent;
    this.lastRegion = this.region;
    writers.customers.write(
      `${this.customerId},${contact.name},${contact.email},${contact.phone},${this.region},${this.primaryChannel},${this.formatter.date(signupAt)},${consent}\n`,
    );
    if (random.bernoulli(p.neverPurchasedShare)) return undefined;

    const channelEffect = p.channelEffects[this.primaryChannel];
    const regionEffect = p.regionEffects[this.region];
    const lambda =
      (random.gamma(p.purchaseRate.shape) / p.purchaseRate.rate) *
      channelEffect.purchase *
      regionEffect.purchase;
    const baseHazard = random.gamma(p.dropout.shape) / p.dropout.rate;
    // m, the channel × region dropout effect, scales the base hazard and the complaint and return hazards.
    const m = channelEffect.dropout * regionEffect.dropout;
    this.extraLines = random.gamma(p.basket.extraLinesShape) / p.basket.extraLinesRate;
    this.favourite1 = productCategories[random.pickCumulative(this.categoryTable)] ?? 'Apparel';
    do {
      this.favourite2 = productCategories[random.pickCumulative(this.categoryTable)] ?? 'Home';
    } while (this.favourite2 === this.favourite1);
    this.priceAffinity = random.normal();

    this.bumps.clear();
    this.ordersInFuture = 0;
    if (this.collectHistory) {
      this.historyOrders = [];
      this.historyComplaints = [];
    }

    // Death comes when the cumulative hazard ∫ m·(μ̃ + A(t)) dt reaches an Exp(1) draw.
    let budget = random.exponential();
    const end = this.end;
    const horizon = end + this.horizonDays;
    let t = signupAt;
    this.placeOrder(t, writers);
    let nextOrder = this.clock.inverse(this.clock.at(t) + random.exponential() / lambda);
    let pastEnd = false;
    let aliveAtEnd = false;
    let hazardAtEnd = 0;
    let latent = 1;
    let diedAt = Number.NaN;
    for (;;) {
      const h = m * (baseHazard + this.bumps.at(t));
      const boundary = Math.min(this.bumps.nextChangeAfter(t), pastEnd ? horizon : end);
      const until = Math.min(nextOrder, boundary);
      const exposure = h * (until - t);
      if (budget <= exposure) {
        diedAt = t + budget / h;
        break;
      }
      budget -= exposure;
      t = until;
      if (t === nextOrder) {
        this.placeOrder(t, writers);
        nextOrder = this.clock.inverse(this.clock.at(t) + random.exponential() / lambda);
      } else if (!pastEnd && t >= end) {
        pastEnd = true;
        aliveAtEnd = true;
        hazardAtEnd = h;
        // Bumps known now include complaints and returns still to come from orders already placed.
        latent = this.noOrderProbability(lambda, baseHazard, m);
        this.bumps.dropEndedBefore(t);
      } else if (pastEnd && t >= horizon) {
        break;
      }
    }

    if (this.collectHistory) this.lastHistory = this.buildHistory();
    return {
      aliveAtEnd,
      purchaseRate: lambda,
      dropoutHazard: m * baseHazard,
      dropoutHazardAtEnd: aliveAtEnd ? hazardAtEnd : m * (baseHazard + this.bumps.at(end)),
      latentChurnProbability: latent,
      ordersNextHorizon: this.ordersInFuture,
      diedAt,
    };
  }

  private buildHistory(): CustomerHistory {
    return {
      channel: this.primaryChannel,
      region: this.region,
      orders: this.historyOrders,
      complaints: this.historyComplaints,
    };
  }

  private pickSignupChannel(signupAt: number): Channel {
    const weights = this.parameters.acquisition.channelWeights;
    const appWeight = weights.app * (1 + (this.parameters.acquisition.appGrowthPerYear * signupAt) / 365.25);
    const total = weights.web + weights.store + weights.marketplace + appWeight;
    let u = this.random.uniform() * total;
    u -= weights.web;
    if (u < 0) return 'web';
    u -= weights.store;
    if (u < 0) return 'store';
    u -= appWeight;
    if (u < 0) return 'app';
    return 'marketplace';
  }

  /**
   * P(no order in (T, T + horizon] | λ, μ̃, alive at T, the bumps already scheduled), by the identity
   * P(order) = ∫ S(u) dF(u) with F(u) = 1 − e^{−λ·(C(T+u) − C(T))} and S(u) = e^{−m∫(μ̃ + A)}, trapezoids in F.
   */
  private noOrderProbability(lambda: number, baseHazard: number, m: number): number {
    const end = this.end;
    let previousF = 0;
    let previousS = 1;
    let orderProbability = 0;
    const withBumps = this.bumps.size > 0;
    // Without bumps S(u) = e^{−m·μ̃·u}, one exponential per day apart.
    const dailySurvival = Math.exp(-m * baseHazard);
    for (let day = 1; day <= this.horizonDays; day++) {
      const f = 1 - Math.exp(-lambda * (this.futureClock[day] ?? 0));
      const s = withBumps
        ? Math.exp(-m * (baseHazard * day + this.bumps.integral(end, end + day)))
        : previousS * dailySurvival;
      orderProbability += (f - previousF) * 0.5 * (s + previousS);
      previousF = f;
      previousS = s;
    }
    return 1 - orderProbability;
  }

  /** One order at generator time `at`: its lines, and the complaints and return it may set off. */
  private placeOrder(at: number, writers: DemoWriters): void {
    const random = this.random;
    const p = this.parameters;
    const basket = p.basket;
    const orderAt = toWholeSeconds(at);
    const inHistory = orderAt < this.end;
    const lineCount = Math.min(basket.maxLines, 1 + random.poisson(this.extraLines));
    const channel = random.bernoulli(basket.primaryChannelShare)
      ? this.primaryChannel
      : (channels[random.pickCumulative(this.orderChannelTable)] ?? 'web');
    const dayKind = this.dayDiscount[Math.floor(orderAt)] ?? discountNone;
    const discount =
      dayKind === discountBlackFriday
        ? basket.blackFridayDiscount
        : dayKind === discountWinterSale
          ? basket.winterSaleDiscount
          : random.bernoulli(basket.promotionProbability)
            ? basket.promotionDiscount
            : 1;

    let orderNumber = 0;
    if (inHistory) {
      this.orders++;
      orderNumber = this.orders;
      writers.purchases.reserve(lineCount * maxLineBytes);
    } else {
      this.ordersInFuture++;
    }
    const categories = this.lineCategories;
    const cents = this.lineCents;
    this.lineCount = 0;
    let valueCents = 0;
    // Complaint and return propensities of the order, gathered line by line.
    let categoryFactor = 0;
    let keep = 1;
    for (let line = 0; line < lineCount; line++) {
      const category = random.bernoulli(basket.favouriteCategoryShare)
        ? random.bernoulli(0.5)
          ? this.favourite1
          : this.favourite2
        : (productCategories[random.pickCumulative(this.categoryTable)] ?? 'Apparel');
      const product = this.pickProduct(category);
      const extraUnit =
        basket.extraUnitProbability[category] *
        Math.min(1, Math.sqrt((100 * basket.extraUnitReferencePrice) / product.priceCents));
      let quantity = 1;
      while (quantity < basket.maxQuantity && random.bernoulli(extraUnit)) quantity++;
      const unitCents = Math.round(product.priceCents * discount);
      const amountCents = unitCents * quantity;
      categories[this.lineCount] = category;
      categoryFactor = Math.max(categoryFactor, p.complaints.categoryFactors[category]);
      keep *= 1 - p.returns.lineProbabilities[category];
      cents[this.lineCount] = amountCents;
      this.lineCount++;
      valueCents += amountCents;
      if (inHistory) {
        this.writeLine(
          writers.purchases,
          orderNumber,
          orderAt,
          amountCents,
          quantity,
          unitCents,
          product,
          channel,
        );
      }
    }
    if (inHistory) this.orderLines += this.lineCount;

    const complaintCount = random.poisson(
      complaintRateFromFactors(valueCents / 100, categoryFactor, p.complaints.channelFactors[channel], p),
    );
    for (let k = 0; k < complaintCount; k++) this.fileComplaint(orderAt, channel, inHistory, writers);

    let returnedAt = Number.NaN;
    if (random.bernoulli(returnProbabilityFromKeep(keep, p))) {
      const r = p.returns;
      returnedAt = toWholeSeconds(
        orderAt + r.minDelayDays + random.uniform() * (r.maxDelayDays - r.minDelayDays),
      );
      const refundCents = random.bernoulli(r.wholeOrderShare)
        ? valueCents
        : (cents[random.int(this.lineCount)] ?? 0);
      this.bumps.addReturn(returnedAt, p);
      if (inHistory && returnedAt < this.end) {
        this.returns++;
        writers.returns.write(
          `${padded('R', this.returns, 7)},${padded('O', orderNumber, 8)},${this.customerId},${this.formatter.timestamp(returnedAt)},${formatCents(refundCents)}\n`,
        );
      }
    }

    if (this.collectHistory && inHistory) {
      this.historyOrders.push({
        at: this.window.startMs + orderAt * msPerDay,
        channel,
        lines: categories
          .slice(0, this.lineCount)
          .map((category, i) => ({ category, amount: (cents[i] ?? 0) / 100 })),
        returnedAt: returnedAt < this.end ? this.window.startMs + returnedAt * msPerDay : null,
      });
    }
  }

  /**
   * One purchases.csv row, written as bytes: with ten million lines, building and encoding strings
   * was the largest cost of the whole generator.
   */
  private writeLine(
    out: CsvWriter,
    orderNumber: number,
    orderAt: number,
    amountCents: number,
    quantity: number,
    unitCents: number,
    product: Product,
    channel: Channel,
  ): void {
    out.byte(79); // O
    out.zeroPadded(orderNumber, 8);
    out.byte(44);
    out.ascii(this.customerId);
    out.byte(44);
    this.formatter.writeTimestamp(out, orderAt);
    out.byte(44);
    out.cents(amountCents);
    out.byte(44);
    out.uint(quantity);
    out.byte(44);
    out.cents(unitCents);
    out.byte(44);
    out.ascii(product.csvName);
    out.byte(44);
    out.ascii(product.category);
    out.byte(44);
    out.ascii(channel);
    out.byte(44);
    out.ascii(this.region);
    out.byte(10);
  }

  /**
   * A product of the category at the customer's price tier: rank = logistic(spread·a + noise·z) of the
   * price-sorted list. Redrawn (up to three times) when the order already holds it, since a second
   * line of the same product would rather be a larger quantity.
   */
  private pickProduct(category: ProductCategory): Product {
    const basket = this.parameters.basket;
    const products = catalogue[category];
    let product: Product | undefined;
    for (let attempt = 0; attempt < 4; attempt++) {
      const pick = basket.priceAffinitySpread * this.priceAffinity + basket.pickNoise * this.random.normal();
      const rank = Math.min(products.length - 1, Math.floor(products.length / (1 + Math.exp(-1.7 * pick))));
      product = products[rank];
      if (product && !this.orderHolds(product)) break;
    }
    if (!product) throw new Error(`empty catalogue category ${category}`);
    this.lineProducts[this.lineCount] = product;
    return product;
  }

  private orderHolds(product: Product): boolean {
    for (let i = 0; i < this.lineCount; i++) if (this.lineProducts[i] === product) return true;
    return false;
  }

  private fileComplaint(orderAt: number, channel: Channel, inHistory: boolean, writers: DemoWriters): void {
    const random = this.random;
    const p = this.parameters.complaints;
    const openedAt = toWholeSeconds(orderAt + random.uniform() * p.maxDelayDays);
    const severity = random.pickCumulative(this.severityTable) + 1;
    const category = this.pickComplaintCategory(channel);
    let resolvedAt = Number.POSITIVE_INFINITY;
    if (!random.bernoulli(p.neverResolvedShare)) {
      const hours = Math.exp(Math.log(p.resolutionMedianHours) + p.resolutionSigma * random.normal());
      // At least one second, so that resolved_at is always after opened_at in the file.
      resolvedAt = toWholeSeconds(openedAt + Math.max(hours / 24, 1 / 86_400));
    }
    this.bumps.addComplaint(openedAt, resolvedAt, severity, this.parameters);
    if (!inHistory || openedAt >= this.end) return;
    this.complaints++;
    const resolvedInHistory = resolvedAt < this.end;
    writers.complaints.write(
      `${padded('T', this.complaints, 7)},${this.customerId},${this.formatter.timestamp(openedAt)},${resolvedInHistory ? this.formatter.timestamp(resolvedAt) : ''},${category},${severity}\n`,
    );
    if (this.collectHistory) {
      const startMs = this.window.startMs;
      this.historyComplaints.push({
        openedAt: startMs + openedAt * msPerDay,
        resolvedAt: resolvedInHistory ? startMs + resolvedAt * msPerDay : null,
        severity,
      });
    }
  }

  /** Delivery complaints are likelier on the marketplace, quality complaints on electronics and clothes. */
  private pickComplaintCategory(channel: Channel): ComplaintCategory {
    const p = this.parameters.complaints;
    let quality = 0;
    for (let i = 0; i < this.lineCount; i++) {
      const category = this.lineCategories[i];
      if (category) quality = Math.max(quality, p.qualityFactors[category]);
    }
    const delivery =
      p.categoryWeights.delivery * (channel === 'marketplace' ? p.marketplaceDeliveryFactor : 1);
    const weights = [
      delivery,
      p.categoryWeights.quality * quality,
      p.categoryWeights.billing,
      p.categoryWeights.service,
    ];
    const total = weights.reduce((a, b) => a + b, 0);
    let u = this.random.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i] ?? 0;
      if (u < 0) return complaintCategories[i] ?? 'service';
    }
    return 'service';
  }
}

/** Cents as a decimal amount with two places, without the float noise of `toFixed` on large sums. */
export function formatCents(cents: number): string {
  const whole = Math.floor(cents / 100);
  const rest = cents - whole * 100;
  return `${whole}.${rest < 10 ? '0' : ''}${rest}`;
}

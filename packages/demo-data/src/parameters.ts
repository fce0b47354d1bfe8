/**
 * Every number of the generative process in one place, so that the README, the simulator and the
 * posterior read the same values. Times are in days, money in the shop's currency, rates per day.
 */

export const channels = ['web', 'store', 'app', 'marketplace'] as const;
export type Channel = (typeof channels)[number];

export const regions = ['North', 'South', 'East', 'West', 'Central'] as const;
export type Region = (typeof regions)[number];

export const productCategories = [
  'Apparel',
  'Footwear',
  'Electronics',
  'Home',
  'Beauty',
  'Grocery',
  'Sports',
  'Toys',
  'Books',
] as const;
export type ProductCategory = (typeof productCategories)[number];

export const complaintCategories = ['delivery', 'quality', 'billing', 'service'] as const;
export type ComplaintCategory = (typeof complaintCategories)[number];

/** Multipliers a customer's signup channel or region applies to the purchase rate and to the dropout hazard. */
export interface RateEffect {
  purchase: number;
  dropout: number;
}

export interface DemoParameters {
  /** Share of signups that never place an order (they appear in customers.csv only). */
  neverPurchasedShare: number;
  /** Share of customers with contact_consent = false. */
  noConsentShare: number;
  acquisition: {
    /** Signups per day grow by this factor per year (e^{g·t}, t in years since the history start). */
    yearlyGrowth: number;
    /** Relative signup volume per calendar month, January first. */
    monthFactors: readonly number[];
    channelWeights: Readonly<Record<Channel, number>>;
    /** The app's share of signups grows linearly: weight · (1 + appGrowthPerYear · years since start). */
    appGrowthPerYear: number;
    regionWeights: Readonly<Record<Region, number>>;
  };
  seasonality: {
    /** Purchase intensity per calendar month (normalised to mean 1 over a 365-day year). */
    monthFactors: readonly number[];
    /** Per weekday, Sunday first (normalised to mean 1). */
    weekdayFactors: readonly number[];
    /** Per UTC hour of day (normalised to mean 1). */
    hourFactors: readonly number[];
    blackFriday: number;
    /** Saturday to Monday after Black Friday. */
    cyberWeekend: number;
    christmasEve: number;
    christmasDay: number;
    boxingDay: number;
    newYearsDay: number;
  };
  /** Base purchase rate λ̃ ~ Gamma(shape, rate), orders per day at seasonal intensity 1. */
  purchaseRate: { shape: number; rate: number };
  /**
   * Base dropout hazard μ̃ ~ Gamma(shape, rate), per day. The hazard at time t is m·(μ̃ + A(t)), m the
   * channel × region dropout effect and A(t) the sum of the complaint and return hazards active at t.
   */
  dropout: { shape: number; rate: number };
  channelEffects: Readonly<Record<Channel, RateEffect>>;
  regionEffects: Readonly<Record<Region, RateEffect>>;
  basket: {
    /** Lines per order = 1 + Poisson(κ), κ ~ Gamma(shape, rate) per customer. */
    extraLinesShape: number;
    extraLinesRate: number;
    maxLines: number;
    /** Probability an order uses the customer's signup channel; otherwise any channel by channelWeights. */
    primaryChannelShare: number;
    /** Probability a line comes from one of the customer's two favourite categories. */
    favouriteCategoryShare: number;
    categoryWeights: Readonly<Record<ProductCategory, number>>;
    /**
     * Quantity = 1 + Geometric: each further unit with probability p_category · min(1, √(extraUnitReferencePrice /
     * list price)), so that several units of a cheap item are common and of an expensive one rare.
     */
    extraUnitProbability: Readonly<Record<ProductCategory, number>>;
    extraUnitReferencePrice: number;
    maxQuantity: number;
    /** Product rank within a category: logistic(priceAffinitySpread·a + pickNoise·z), a, z ~ N(0, 1). */
    priceAffinitySpread: number;
    pickNoise: number;
    promotionProbability: number;
    promotionDiscount: number;
    blackFridayDiscount: number;
    winterSaleDiscount: number;
  };
  complaints: {
    /**
     * Each order yields Poisson(ρ) complaints, ρ = min(maxRate, base · (value/referenceValue)^valueElasticity ·
     * max category factor of its lines · channel factor of the order).
     */
    base: number;
    referenceValue: number;
    valueElasticity: number;
    maxRate: number;
    categoryFactors: Readonly<Record<ProductCategory, number>>;
    channelFactors: Readonly<Record<Channel, number>>;
    /** Opened Uniform(0, maxDelayDays) after the order. */
    maxDelayDays: number;
    /** P(severity = 1..4). */
    severityProbabilities: readonly number[];
    /** Severity scales every hazard of the complaint: g(σ) = severityEffects[σ - 1]. */
    severityEffects: readonly number[];
    neverResolvedShare: number;
    /** Resolution time ~ LogNormal(ln(medianHours), sigma) hours when it is resolved at all. */
    resolutionMedianHours: number;
    resolutionSigma: number;
    /** Added dropout hazard g(σ)·openHazard per day while the complaint is open (forever if never resolved). */
    openHazard: number;
    quickDays: number;
    slowDays: number;
    /**
     * After resolution the added hazard drops to g(σ)·residual per day for residualDays, by how long the
     * resolution took: quick ≤ quickDays < medium ≤ slowDays < slow.
     */
    residualQuick: number;
    residualMedium: number;
    residualSlow: number;
    residualDays: number;
    /** Weights of complaint categories; the quality weight is multiplied by the order's quality factor. */
    categoryWeights: Readonly<Record<ComplaintCategory, number>>;
    qualityFactors: Readonly<Record<ProductCategory, number>>;
    marketplaceDeliveryFactor: number;
  };
  returns: {
    /** An order is returned with probability min(maxProbability, 1 − Π_lines (1 − p_category)). */
    lineProbabilities: Readonly<Record<ProductCategory, number>>;
    maxProbability: number;
    /** Returned Uniform(minDelayDays, maxDelayDays) after the order. */
    minDelayDays: number;
    maxDelayDays: number;
    /** Added dropout hazard per day for hazardDays after the return. */
    hazard: number;
    hazardDays: number;
    /** Share of returns that refund the whole order; otherwise one line is refunded. */
    wholeOrderShare: number;
  };
}

export const demoParameters: DemoParameters = {
  neverPurchasedShare: 0.04,
  noConsentShare: 0.15,
  acquisition: {
    yearlyGrowth: 0.4,
    monthFactors: [0.95, 0.8, 0.9, 0.9, 0.95, 0.9, 0.85, 0.9, 1.0, 1.05, 1.45, 1.6],
    channelWeights: { web: 0.45, store: 0.25, app: 0.15, marketplace: 0.15 },
    appGrowthPerYear: 0.5,
    regionWeights: { North: 0.22, South: 0.24, East: 0.18, West: 0.2, Central: 0.16 },
  },
  seasonality: {
    monthFactors: [0.85, 0.78, 0.9, 0.95, 1.0, 0.95, 0.92, 0.95, 0.97, 1.02, 1.3, 1.45],
    weekdayFactors: [1.05, 0.9, 0.9, 0.95, 1.0, 1.05, 1.15],
    hourFactors: [
      0.15, 0.08, 0.05, 0.04, 0.05, 0.1, 0.3, 0.6, 0.9, 1.1, 1.25, 1.35, 1.45, 1.4, 1.3, 1.25, 1.25, 1.35,
      1.5, 1.65, 1.6, 1.3, 0.9, 0.45,
    ],
    blackFriday: 2.5,
    cyberWeekend: 1.6,
    christmasEve: 0.6,
    christmasDay: 0.3,
    boxingDay: 1.4,
    newYearsDay: 0.5,
  },
  purchaseRate: { shape: 0.7, rate: 50 },
  dropout: { shape: 0.7, rate: 700 },
  channelEffects: {
    web: { purchase: 1.0, dropout: 1.0 },
    store: { purchase: 0.85, dropout: 0.8 },
    app: { purchase: 1.35, dropout: 0.75 },
    marketplace: { purchase: 0.75, dropout: 1.5 },
  },
  regionEffects: {
    North: { purchase: 1.05, dropout: 0.95 },
    South: { purchase: 0.95, dropout: 1.1 },
    East: { purchase: 1.0, dropout: 1.0 },
    West: { purchase: 1.03, dropout: 0.95 },
    Central: { purchase: 0.97, dropout: 1.05 },
  },
  basket: {
    extraLinesShape: 2,
    extraLinesRate: 2,
    maxLines: 12,
    primaryChannelShare: 0.8,
    favouriteCategoryShare: 0.6,
    categoryWeights: {
      Apparel: 0.2,
      Footwear: 0.09,
      Electronics: 0.1,
      Home: 0.13,
      Beauty: 0.11,
      Grocery: 0.15,
      Sports: 0.08,
      Toys: 0.06,
      Books: 0.08,
    },
    extraUnitProbability: {
      Apparel: 0.15,
      Footwear: 0.05,
      Electronics: 0.05,
      Home: 0.15,
      Beauty: 0.3,
      Grocery: 0.45,
      Sports: 0.12,
      Toys: 0.15,
      Books: 0.1,
    },
    extraUnitReferencePrice: 30,
    maxQuantity: 9,
    priceAffinitySpread: 0.9,
    pickNoise: 0.8,
    promotionProbability: 0.08,
    promotionDiscount: 0.85,
    blackFridayDiscount: 0.75,
    winterSaleDiscount: 0.8,
  },
  complaints: {
    base: 0.03,
    referenceValue: 60,
    valueElasticity: 0.4,
    maxRate: 0.5,
    categoryFactors: {
      Apparel: 1.0,
      Footwear: 1.0,
      Electronics: 1.6,
      Home: 1.3,
      Beauty: 0.7,
      Grocery: 0.8,
      Sports: 1.0,
      Toys: 1.1,
      Books: 0.6,
    },
    channelFactors: { web: 1.0, store: 0.6, app: 0.9, marketplace: 1.5 },
    maxDelayDays: 7,
    severityProbabilities: [0.35, 0.35, 0.2, 0.1],
    severityEffects: [0.75, 1.0, 1.25, 1.5],
    neverResolvedShare: 0.06,
    resolutionMedianHours: 30,
    resolutionSigma: 1.1,
    openHazard: 0.008,
    quickDays: 2,
    slowDays: 7,
    residualQuick: 0.0003,
    residualMedium: 0.0015,
    residualSlow: 0.004,
    residualDays: 365,
    categoryWeights: { delivery: 0.4, quality: 0.3, billing: 0.15, service: 0.15 },
    qualityFactors: {
      Apparel: 1.2,
      Footwear: 1.2,
      Electronics: 1.6,
      Home: 1.1,
      Beauty: 0.9,
      Grocery: 0.7,
      Sports: 1.0,
      Toys: 1.0,
      Books: 0.5,
    },
    marketplaceDeliveryFactor: 1.8,
  },
  returns: {
    lineProbabilities: {
      Apparel: 0.12,
      Footwear: 0.12,
      Electronics: 0.05,
      Home: 0.04,
      Beauty: 0.02,
      Grocery: 0.005,
      Sports: 0.05,
      Toys: 0.03,
      Books: 0.02,
    },
    maxProbability: 0.6,
    minDelayDays: 1,
    maxDelayDays: 30,
    hazard: 0.0008,
    hazardDays: 180,
    wholeOrderShare: 0.3,
  },
};

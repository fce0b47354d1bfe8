import { canonicalColumns, SECTIONS, type Section } from '@retain/schemas';
import { HEADER_LANGUAGES, HEADER_NAMES, normaliseHeader } from './headerNames.ts';

/**
 * Guesses which canonical table an export feeds and which column is which, the way an analyst
 * would on first sight of a file: from its headers (in the languages of HEADER_NAMES) and, where a
 * header says nothing or contradicts its values, from what the values look like. The user confirms
 * or changes the proposal.
 */

/** What the first values of a column look like: counts over its non-blank values. */
export interface ColumnProfile {
  values: number;
  distinct: number;
  /** ISO dates and timestamps, and day/month/year with any of / . - */
  dates: number;
  emails: number;
  phones: number;
  /** Digits with a decimal separator and, optionally, a thousands separator. */
  numbers: number;
  /** Numbers with exactly two decimals, as amounts of money are written. */
  twoDecimals: number;
  integers: number;
  /** Whole numbers of at most three digits: quantities, levels. */
  smallIntegers: number;
  /** yes/no words in any of the known languages, 1/0. */
  yesNo: number;
  /** One token of letters and digits with at least one digit: C1001, 17850, INV-2024-001. */
  ids: number;
}

export type ValueKind = 'date' | 'email' | 'phone' | 'yesNo' | 'count' | 'money' | 'number' | 'id' | 'text';

export interface SectionProposal {
  /** canonical column → header */
  columns: Record<string, string>;
  /** 0–1: share of the section's required columns found. */
  confidence: number;
}

export interface MappingProposal extends SectionProposal {
  section: Section;
  /** The columns proposed for each section, for when the user says the file holds another. */
  sections: Record<Section, SectionProposal>;
}

/** Share of a column's values that must look alike for the column to count as that kind. */
const MOSTLY = 0.9;

/** The kind of a column's values, or null when it has none. */
export function valueKind(p: ColumnProfile): ValueKind | null {
  if (p.values === 0) return null;
  const mostly = (n: number) => n >= p.values * MOSTLY;
  if (mostly(p.emails)) return 'email';
  if (mostly(p.dates)) return 'date';
  if (mostly(p.yesNo) && p.distinct <= 4) return 'yesNo';
  if (mostly(p.smallIntegers) && p.distinct < p.values) return 'count';
  if (mostly(p.integers)) return 'id';
  if (mostly(p.twoDecimals)) return 'money';
  if (mostly(p.numbers)) return 'number';
  if (mostly(p.phones)) return 'phone';
  if (mostly(p.ids)) return 'id';
  return 'text';
}

const DATE_COLUMNS = ['order_date', 'opened_at', 'resolved_at', 'returned_at', 'signup_date'];

/** The kinds of value each canonical column holds; a header whose values are of another kind is doubted. */
const EXPECTED: Record<string, readonly ValueKind[]> = {
  customer_id: ['id', 'count', 'text'],
  order_id: ['id', 'count', 'text'],
  complaint_id: ['id', 'count', 'text'],
  return_id: ['id', 'count', 'text'],
  amount: ['money', 'number', 'count', 'id'],
  unit_price: ['money', 'number', 'count', 'id'],
  quantity: ['count', 'number', 'id'],
  email: ['email'],
  phone: ['phone', 'id'],
  contact_consent: ['yesNo'],
  severity: ['count', 'text', 'id'],
  ...Object.fromEntries(DATE_COLUMNS.map((c) => [c, ['date']])),
};

/** normalised name → [canonical column, rank within its language] */
const KNOWN_NAMES = new Map<string, Array<{ canonical: string; rank: number }>>();
for (const [canonical, languages] of Object.entries(HEADER_NAMES)) {
  for (const language of HEADER_LANGUAGES) {
    const names = languages[language]?.split(' | ') ?? [];
    names.forEach((name, rank) => {
      const key = normaliseHeader(name);
      const entries = KNOWN_NAMES.get(key) ?? [];
      const known = entries.find((e) => e.canonical === canonical);
      if (known) known.rank = Math.min(known.rank, rank);
      else entries.push({ canonical, rank });
      KNOWN_NAMES.set(key, entries);
    });
  }
}
/** Names long enough to be recognised inside a longer header ("Customer ID (CRM)", "Umsatz EUR"). */
const CONTAINED_NAMES = [...KNOWN_NAMES.entries()].filter(([name]) => [...name].length >= 5);

/** How well a header names a canonical column: 3 exactly, about 2 a known name, 1 a name inside it. */
function headerScore(canonical: string, header: string): number {
  const h = normaliseHeader(header);
  if (h === normaliseHeader(canonical)) return 3;
  const known = KNOWN_NAMES.get(h)?.find((e) => e.canonical === canonical);
  if (known) return 2.5 - Math.min(known.rank, 40) / 50;
  if (
    CONTAINED_NAMES.some(
      ([name, entries]) => h.includes(name) && entries.some((e) => e.canonical === canonical),
    )
  )
    return 1;
  return 0;
}

/**
 * How well a column's values fit a canonical column when its header says nothing: always below a
 * recognised header. Ids repeated across rows are customers; ids seen once are the section's key.
 */
function valueScore(section: Section, canonical: string, profile: ColumnProfile, kind: ValueKind): number {
  const repeated = profile.distinct < profile.values;
  switch (kind) {
    case 'email':
      return canonical === 'email' ? 0.9 : 0;
    case 'phone':
      return canonical === 'phone' ? 0.8 : 0;
    case 'yesNo':
      return canonical === 'contact_consent' ? 0.6 : 0;
    case 'date': {
      const rank = DATE_COLUMNS.indexOf(canonical);
      return rank >= 0 ? 0.6 - rank * 0.01 : 0;
    }
    case 'money':
      return ({ amount: 0.7, unit_price: 0.5 } as Record<string, number>)[canonical] ?? 0;
    case 'number':
      return ({ amount: 0.5, unit_price: 0.4, quantity: 0.3 } as Record<string, number>)[canonical] ?? 0;
    case 'count':
      return ({ quantity: 0.4, severity: 0.2 } as Record<string, number>)[canonical] ?? 0;
    case 'id': {
      const key = canonicalColumns(section)[0];
      if (section === 'customers') return canonical === 'customer_id' ? 0.6 : 0;
      if (canonical === 'customer_id') return repeated ? 0.6 : 0.3;
      if (canonical === key || canonical === 'order_id') return repeated ? 0.4 : 0.55;
      return 0;
    }
    case 'text':
      return 0;
  }
}

/** Best column for each canonical column of a section, each column used at most once. */
function mapSection(
  section: Section,
  headers: readonly string[],
  profiles: ReadonlyArray<ColumnProfile | undefined>,
): Record<string, string> {
  const candidates: Array<{ canonical: string; header: string; score: number }> = [];
  for (const canonical of canonicalColumns(section)) {
    headers.forEach((header, position) => {
      const profile = profiles[position];
      const kind = profile ? valueKind(profile) : null;
      let score = headerScore(canonical, header);
      // A header that says "date" over values that are not dates (or "amount" over e-mail
      // addresses) is doubted; values alone never outweigh a header that fits them.
      if (score > 0 && kind !== null && !(EXPECTED[canonical]?.includes(kind) ?? true)) score *= 0.2;
      if (score === 0 && profile && kind !== null) score = valueScore(section, canonical, profile, kind);
      // Earlier columns first among equals: the first date is the order date, the second the resolution.
      if (score > 0) candidates.push({ canonical, header, score: score - position * 0.0001 });
    });
  }
  candidates.sort((a, b) => b.score - a.score);
  const columns: Record<string, string> = {};
  const used = new Set<string>();
  for (const c of candidates) {
    if (columns[c.canonical] !== undefined || used.has(c.header)) continue;
    columns[c.canonical] = c.header;
    used.add(c.header);
  }
  return columns;
}

/** Columns a section does not share with others weigh more in deciding the section. */
const DISTINCTIVE: Record<Section, readonly string[]> = {
  purchases: ['order_id', 'order_date', 'quantity', 'unit_price', 'product'],
  complaints: ['complaint_id', 'opened_at', 'resolved_at', 'severity'],
  returns: ['return_id', 'returned_at'],
  customers: ['name', 'email', 'phone', 'signup_date', 'contact_consent'],
};

const REQUIRED_COUNT: Record<Section, number> = { customers: 1, purchases: 4, complaints: 3, returns: 4 };

/**
 * Proposes a section and a mapping for an export's headers; `profiles` (one per header, in order)
 * let the values speak where the headers do not.
 */
export function proposeMapping(
  headers: readonly string[],
  fileName = '',
  profiles: ReadonlyArray<ColumnProfile | undefined> = [],
): MappingProposal {
  const hinted = SECTIONS.find((s) => normaliseHeader(fileName).includes(s.slice(0, -1)));
  const sections = {} as Record<Section, SectionProposal>;
  let best: Section = 'purchases';
  let bestScore = -1;
  for (const section of SECTIONS) {
    const columns = mapSection(section, headers, profiles);
    const required = canonicalColumns(section).slice(0, REQUIRED_COUNT[section]);
    const found = required.filter((c) => columns[c] !== undefined).length;
    const derivableAmount =
      section === 'purchases' && columns.amount === undefined && columns.quantity && columns.unit_price;
    const derivableId = section === 'returns' && columns.return_id === undefined;
    const covered = found + (derivableAmount ? 1 : 0) + (derivableId ? 1 : 0);
    const distinctive = DISTINCTIVE[section].filter((c) => columns[c] !== undefined).length;
    // Among sections that fit equally, the one that explains more of the file.
    const explained = headers.length > 0 ? Object.keys(columns).length / headers.length : 0;
    const total =
      covered / required.length + distinctive * 0.25 + explained * 0.1 + (hinted === section ? 0.5 : 0);
    sections[section] = { columns, confidence: covered / required.length };
    if (total > bestScore) {
      bestScore = total;
      best = section;
    }
  }
  return { section: best, ...sections[best], sections };
}

// The candidates live in @retain/schemas, where the dashboard offers the same list.
export { DATE_FORMAT_CANDIDATES } from '@retain/schemas';

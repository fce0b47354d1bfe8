/*
 * The canonical tables and their columns: plain constants, kept apart from the zod schemas so the
 * dashboard can import them without bundling zod.
 */

/** The four canonical tables a business's exports are loaded into. */
export const SECTIONS = ['customers', 'purchases', 'complaints', 'returns'] as const;
export type Section = (typeof SECTIONS)[number];

/**
 * Canonical columns of each section. `required` must be mapped (or derivable, see `derivable`);
 * the rest are optional and nullable. Order here is the order of the warehouse table.
 */
export const CANONICAL_COLUMNS = {
  customers: {
    required: ['customer_id'],
    optional: ['name', 'email', 'phone', 'region', 'channel', 'signup_date', 'contact_consent'],
  },
  purchases: {
    required: ['order_id', 'customer_id', 'order_date', 'amount'],
    optional: ['quantity', 'unit_price', 'product', 'category', 'channel', 'region'],
  },
  complaints: {
    required: ['complaint_id', 'customer_id', 'opened_at'],
    optional: ['resolved_at', 'category', 'severity'],
  },
  returns: {
    required: ['return_id', 'customer_id', 'returned_at', 'amount'],
    optional: ['order_id'],
  },
} as const satisfies Record<Section, { required: readonly string[]; optional: readonly string[] }>;

export type CanonicalColumn<S extends Section> =
  | (typeof CANONICAL_COLUMNS)[S]['required'][number]
  | (typeof CANONICAL_COLUMNS)[S]['optional'][number];

export function canonicalColumns(section: Section): readonly string[] {
  const c = CANONICAL_COLUMNS[section];
  return [...c.required, ...c.optional];
}

/** Date formats tried on sample values, most specific first; ISO needs no format. */
export const DATE_FORMAT_CANDIDATES = [
  '%d/%m/%Y %H:%M:%S',
  '%d/%m/%Y %H:%M',
  '%d/%m/%Y',
  '%m/%d/%Y %H:%M:%S',
  '%m/%d/%Y %H:%M',
  '%m/%d/%Y',
  '%d.%m.%Y %H:%M:%S',
  '%d.%m.%Y %H:%M',
  '%d.%m.%Y',
  '%d-%m-%Y %H:%M:%S',
  '%d-%m-%Y %H:%M',
  '%d-%m-%Y',
  '%Y/%m/%d %H:%M:%S',
  '%Y/%m/%d',
  '%Y%m%d',
] as const;

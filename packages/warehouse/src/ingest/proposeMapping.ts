import { canonicalColumns, SECTIONS, type Section } from '@retain/schemas';

/**
 * Guesses which canonical table an export feeds and which header is which column, the way an
 * analyst would on first sight of a file. The user confirms or changes the proposal.
 */

const normalise = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

/** Header spellings seen in ERP, shop and help-desk exports, per canonical column. */
const SYNONYMS: Record<string, readonly string[]> = {
  customer_id: [
    'customerid',
    'customer',
    'customerno',
    'customernumber',
    'clientid',
    'client',
    'custid',
    'accountid',
    'memberid',
    'userid',
    'kundennummer',
  ],
  order_id: [
    'orderid',
    'order',
    'orderno',
    'ordernumber',
    'invoice',
    'invoiceno',
    'invoiceid',
    'invoicenumber',
    'receipt',
    'transactionid',
    'bestellnummer',
  ],
  order_date: [
    'orderdate',
    'invoicedate',
    'date',
    'orderedat',
    'purchasedate',
    'transactiondate',
    'createdat',
    'timestamp',
    'datetime',
  ],
  amount: [
    'amount',
    'revenue',
    'total',
    'sales',
    'value',
    'linetotal',
    'netamount',
    'grossamount',
    'ordervalue',
    'totalprice',
    'subtotal',
  ],
  quantity: ['quantity', 'qty', 'units', 'count', 'pieces'],
  unit_price: ['unitprice', 'price', 'priceeach', 'itemprice', 'unitcost'],
  product: ['product', 'description', 'item', 'productname', 'sku', 'stockcode', 'article'],
  category: ['category', 'productcategory', 'department', 'group', 'productgroup', 'type'],
  channel: ['channel', 'saleschannel', 'source', 'shop', 'store', 'platform'],
  region: ['region', 'country', 'area', 'territory', 'state', 'market'],
  complaint_id: [
    'complaintid',
    'complaint',
    'ticket',
    'ticketid',
    'ticketno',
    'caseid',
    'case',
    'casenumber',
    'issueid',
  ],
  opened_at: [
    'openedat',
    'opened',
    'created',
    'createdat',
    'opendate',
    'reported',
    'reportedat',
    'datecreated',
  ],
  resolved_at: [
    'resolvedat',
    'resolved',
    'closed',
    'closedat',
    'solved',
    'solvedat',
    'closedate',
    'resolutiondate',
  ],
  severity: ['severity', 'priority', 'urgency', 'level'],
  return_id: ['returnid', 'return', 'rma', 'rmano', 'refundid', 'creditnote'],
  returned_at: ['returnedat', 'returned', 'returndate', 'refunddate', 'refunded', 'refundedat'],
  name: ['name', 'fullname', 'customername', 'clientname'],
  email: ['email', 'emailaddress', 'mail'],
  phone: ['phone', 'telephone', 'tel', 'mobile', 'phonenumber', 'cell'],
  signup_date: [
    'signupdate',
    'signup',
    'registered',
    'registeredat',
    'registrationdate',
    'joined',
    'createdat',
    'since',
  ],
  contact_consent: [
    'contactconsent',
    'consent',
    'maycall',
    'optin',
    'marketingconsent',
    'contactable',
    'canbecontacted',
  ],
};

/** Columns a section does not share with others weigh more in deciding the section. */
const DISTINCTIVE: Record<Section, readonly string[]> = {
  purchases: ['order_id', 'order_date', 'quantity', 'unit_price', 'product'],
  complaints: ['complaint_id', 'opened_at', 'resolved_at', 'severity'],
  returns: ['return_id', 'returned_at'],
  customers: ['name', 'email', 'phone', 'signup_date', 'contact_consent'],
};

export interface MappingProposal {
  section: Section;
  /** canonical column → header */
  columns: Record<string, string>;
  /** 0–1: share of the section's required columns found. */
  confidence: number;
}

function score(canonical: string, header: string): number {
  const h = normalise(header);
  if (h === normalise(canonical)) return 3;
  const synonyms = SYNONYMS[canonical] ?? [];
  const at = synonyms.indexOf(h);
  if (at === 0) return 2.5;
  if (at > 0) return 2 - at / 100;
  // "Customer ID (CRM)", "Order Date UTC": a synonym inside a longer header.
  if (synonyms.some((s) => s.length >= 5 && h.includes(s))) return 1;
  return 0;
}

/** Best header for each canonical column of a section, each header used at most once. */
function mapSection(section: Section, headers: readonly string[]): Record<string, string> {
  const candidates: Array<{ canonical: string; header: string; score: number }> = [];
  for (const canonical of canonicalColumns(section)) {
    for (const header of headers) {
      const s = score(canonical, header);
      if (s > 0) candidates.push({ canonical, header, score: s });
    }
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

export function proposeMapping(headers: readonly string[], fileName = ''): MappingProposal {
  const hinted = SECTIONS.find((s) => normalise(fileName).includes(s.slice(0, -1)));
  let best: MappingProposal | null = null;
  let bestScore = -1;
  for (const section of SECTIONS) {
    const columns = mapSection(section, headers);
    const required = canonicalColumns(section).slice(0, requiredCount(section));
    const found = required.filter((c) => columns[c] !== undefined).length;
    const derivableAmount =
      section === 'purchases' && columns.amount === undefined && columns.quantity && columns.unit_price;
    const derivableId = section === 'returns' && columns.return_id === undefined;
    const covered = found + (derivableAmount ? 1 : 0) + (derivableId ? 1 : 0);
    const distinctive = DISTINCTIVE[section].filter((c) => columns[c] !== undefined).length;
    const total = covered / required.length + distinctive * 0.25 + (hinted === section ? 0.5 : 0);
    if (total > bestScore) {
      bestScore = total;
      best = { section, columns, confidence: covered / required.length };
    }
  }
  return best ?? { section: 'purchases', columns: {}, confidence: 0 };
}

function requiredCount(section: Section): number {
  return { customers: 1, purchases: 4, complaints: 3, returns: 4 }[section];
}

// The candidates live in @retain/schemas, where the dashboard offers the same list.
export { DATE_FORMAT_CANDIDATES } from '@retain/schemas';

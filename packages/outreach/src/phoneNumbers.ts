import { BadInputError, type Dialect, type Sql, sql, sqlString } from '@retain/warehouse';

/**
 * Phone numbers as a dialler takes them: E.164, "+" and the country calling code and the national
 * significant number, digits only ("+447700900123"). Customers' numbers arrive as people type them
 * ("07700 900123", "+1 (212) 555-0100", "+44 (0)20 7946 0001 ext. 12"), and the engine rewrites
 * them here, in SQL, so that a long list is written without a row crossing into JavaScript.
 *
 * A number written internationally (a leading "+" or "00", or "011" in North America) carries its
 * country. A national one ("07700 900123") is read in the country the customer's region names
 * ("United Kingdom", "Deutschland"), else in the list's home country: the one asked for, else the
 * country most customers' international numbers belong to. A national number must be written as
 * that country dials it, trunk prefix included ("0" in the UK), and have as many digits as the
 * country's numbers do; otherwise, and for anything that is not a number (letters, an empty
 * cell), there is no E.164 number: no number at all is better than a wrong one.
 */

export interface PhoneCountry {
  /** ISO 3166-1 alpha-2. */
  iso: string;
  /** Country calling code. */
  code: string;
  /** Dialled before a national number within the country ("0"); "" for none. */
  trunk: string;
  /** North America: "1" may be dialled before a national number, or not. */
  trunkOptional?: boolean;
  /** Digits of the national significant number (without the trunk prefix), fewest and most. */
  digits: readonly [number, number];
  /** Names a region column may hold for the country (lower case): English, its own, common short forms. */
  names: readonly string[];
}

/**
 * The countries whose dialling rules Retain knows. Countries that share a calling code share its
 * numbers; the first listed is the one inferred from that code.
 */
export const PHONE_COUNTRIES: readonly PhoneCountry[] = [
  {
    iso: 'US',
    code: '1',
    trunk: '1',
    trunkOptional: true,
    digits: [10, 10],
    names: ['united states', 'united states of america', 'usa', 'u.s.a.', 'us', 'u.s.', 'america'],
  },
  {
    iso: 'CA',
    code: '1',
    trunk: '1',
    trunkOptional: true,
    digits: [10, 10],
    names: ['canada'],
  },
  {
    iso: 'GB',
    code: '44',
    trunk: '0',
    digits: [9, 10],
    names: [
      'united kingdom',
      'uk',
      'u.k.',
      'gb',
      'great britain',
      'britain',
      'england',
      'scotland',
      'wales',
      'northern ireland',
      'channel islands',
      'jersey',
      'guernsey',
      'isle of man',
    ],
  },
  {
    iso: 'IE',
    code: '353',
    trunk: '0',
    digits: [7, 9],
    names: ['ireland', 'eire', 'éire', 'republic of ireland'],
  },
  { iso: 'FR', code: '33', trunk: '0', digits: [9, 9], names: ['france'] },
  { iso: 'DE', code: '49', trunk: '0', digits: [5, 14], names: ['germany', 'deutschland'] },
  {
    iso: 'NL',
    code: '31',
    trunk: '0',
    digits: [9, 9],
    names: ['netherlands', 'the netherlands', 'holland', 'nederland'],
  },
  { iso: 'BE', code: '32', trunk: '0', digits: [8, 9], names: ['belgium', 'belgië', 'belgique', 'belgien'] },
  { iso: 'LU', code: '352', trunk: '', digits: [4, 11], names: ['luxembourg', 'luxemburg'] },
  {
    iso: 'CH',
    code: '41',
    trunk: '0',
    digits: [9, 9],
    names: ['switzerland', 'schweiz', 'suisse', 'svizzera'],
  },
  { iso: 'AT', code: '43', trunk: '0', digits: [4, 13], names: ['austria', 'österreich'] },
  { iso: 'IT', code: '39', trunk: '', digits: [6, 12], names: ['italy', 'italia'] },
  { iso: 'ES', code: '34', trunk: '', digits: [9, 9], names: ['spain', 'españa', 'espana'] },
  { iso: 'PT', code: '351', trunk: '', digits: [9, 9], names: ['portugal'] },
  { iso: 'GR', code: '30', trunk: '', digits: [10, 10], names: ['greece', 'hellas', 'ελλάδα', 'ελλαδα'] },
  { iso: 'CY', code: '357', trunk: '', digits: [8, 8], names: ['cyprus'] },
  { iso: 'MT', code: '356', trunk: '', digits: [8, 8], names: ['malta'] },
  { iso: 'DK', code: '45', trunk: '', digits: [8, 8], names: ['denmark', 'danmark'] },
  { iso: 'NO', code: '47', trunk: '', digits: [5, 8], names: ['norway', 'norge'] },
  { iso: 'SE', code: '46', trunk: '0', digits: [6, 10], names: ['sweden', 'sverige'] },
  { iso: 'FI', code: '358', trunk: '0', digits: [5, 12], names: ['finland', 'suomi'] },
  { iso: 'IS', code: '354', trunk: '', digits: [7, 9], names: ['iceland', 'ísland'] },
  { iso: 'PL', code: '48', trunk: '', digits: [9, 9], names: ['poland', 'polska'] },
  { iso: 'CZ', code: '420', trunk: '', digits: [9, 9], names: ['czech republic', 'czechia', 'česko'] },
  { iso: 'SK', code: '421', trunk: '0', digits: [9, 9], names: ['slovakia', 'slovensko'] },
  { iso: 'HU', code: '36', trunk: '06', digits: [8, 9], names: ['hungary', 'magyarország'] },
  { iso: 'RO', code: '40', trunk: '0', digits: [9, 9], names: ['romania', 'românia'] },
  { iso: 'BG', code: '359', trunk: '0', digits: [6, 9], names: ['bulgaria'] },
  { iso: 'HR', code: '385', trunk: '0', digits: [8, 9], names: ['croatia', 'hrvatska'] },
  { iso: 'SI', code: '386', trunk: '0', digits: [8, 8], names: ['slovenia', 'slovenija'] },
  { iso: 'LT', code: '370', trunk: '8', digits: [8, 8], names: ['lithuania', 'lietuva'] },
  { iso: 'LV', code: '371', trunk: '', digits: [8, 8], names: ['latvia', 'latvija'] },
  { iso: 'EE', code: '372', trunk: '', digits: [7, 8], names: ['estonia', 'eesti'] },
  { iso: 'RU', code: '7', trunk: '8', digits: [10, 10], names: ['russia', 'russian federation'] },
  { iso: 'UA', code: '380', trunk: '0', digits: [9, 9], names: ['ukraine'] },
  { iso: 'TR', code: '90', trunk: '0', digits: [10, 10], names: ['turkey', 'türkiye', 'turkiye'] },
  { iso: 'IL', code: '972', trunk: '0', digits: [8, 9], names: ['israel'] },
  { iso: 'AE', code: '971', trunk: '0', digits: [8, 9], names: ['united arab emirates', 'uae'] },
  { iso: 'SA', code: '966', trunk: '0', digits: [9, 9], names: ['saudi arabia'] },
  { iso: 'BH', code: '973', trunk: '', digits: [8, 8], names: ['bahrain'] },
  { iso: 'LB', code: '961', trunk: '0', digits: [7, 8], names: ['lebanon'] },
  { iso: 'IR', code: '98', trunk: '0', digits: [10, 10], names: ['iran', 'ایران'] },
  { iso: 'IN', code: '91', trunk: '0', digits: [10, 10], names: ['india'] },
  { iso: 'CN', code: '86', trunk: '0', digits: [9, 11], names: ['china'] },
  { iso: 'JP', code: '81', trunk: '0', digits: [9, 10], names: ['japan'] },
  { iso: 'KR', code: '82', trunk: '0', digits: [8, 10], names: ['south korea', 'korea'] },
  { iso: 'SG', code: '65', trunk: '', digits: [8, 8], names: ['singapore'] },
  { iso: 'HK', code: '852', trunk: '', digits: [8, 8], names: ['hong kong'] },
  { iso: 'AU', code: '61', trunk: '0', digits: [9, 9], names: ['australia'] },
  { iso: 'NZ', code: '64', trunk: '0', digits: [8, 10], names: ['new zealand'] },
  { iso: 'ZA', code: '27', trunk: '0', digits: [9, 9], names: ['south africa', 'rsa'] },
  { iso: 'BR', code: '55', trunk: '0', digits: [10, 11], names: ['brazil', 'brasil'] },
  { iso: 'MX', code: '52', trunk: '', digits: [10, 10], names: ['mexico', 'méxico'] },
  { iso: 'AR', code: '54', trunk: '0', digits: [10, 11], names: ['argentina'] },
];

/** The country of an ISO code Retain knows the dialling rules of, or a BadInputError naming them. */
export function phoneCountry(iso: string): PhoneCountry {
  const country = PHONE_COUNTRIES.find((c) => c.iso === iso.toUpperCase());
  if (!country) {
    throw new BadInputError(
      `No dialling rules for the country "${iso}". Retain knows ${PHONE_COUNTRIES.map((c) => c.iso).join(', ')}.`,
    );
  }
  return country;
}

/** The first country listed for each calling code, and the numbers of that code. */
const BY_CODE = (() => {
  const codes = new Map<string, { iso: string; digits: [number, number] }>();
  for (const c of PHONE_COUNTRIES) {
    const known = codes.get(c.code);
    if (!known) codes.set(c.code, { iso: c.iso, digits: [...c.digits] });
    else known.digits = [Math.min(known.digits[0], c.digits[0]), Math.max(known.digits[1], c.digits[1])];
  }
  return codes;
})();

/** A fragment of constants as text: these builders assemble their SQL from constants only. */
const text = (fragment: Sql): string =>
  fragment.render(() => {
    throw new Error('phone number SQL binds no values');
  }).text;
const constant = (value: string) => sql.raw(sqlString(value));
const integer = (value: number) => sql.raw(String(value));

interface DiallingRules {
  /** By ISO code: a record of the calling code, trunk prefix and digits of a national number. */
  country: (iso: string) => string;
  /** By calling code: a record of the code's length and the digits of the number after it. */
  code: (code: string) => string;
  /** By region name (lower case): the ISO code. */
  region: (name: string) => string;
  /** Whether the text is one of the calling codes of `length` digits. */
  codeOfLength: (text: string, length: number) => string;
}

/**
 * The dialling rules as constant lookups (the dialect's `lookup`), looked up per row: by ISO code
 * (calling code, trunk prefix, digits of a national number), by calling code (digits of the
 * national number that follows it) and by region name (ISO code). Lookups rather than joins, so
 * that a statement that does not read the E.164 number computes none of it. Built once per dialect.
 */
const RULES = new WeakMap<Dialect, DiallingRules>();
function diallingRules(d: Dialect): DiallingRules {
  const known = RULES.get(d);
  if (known) return known;
  const countries = PHONE_COUNTRIES.map(
    (c) =>
      [
        c.iso,
        d.record([
          ['cc', constant(c.code), 'varchar'],
          ['trunk', constant(c.trunk), 'varchar'],
          ['optional', sql.raw(String(c.trunkOptional === true)), 'boolean'],
          ['lo', integer(c.digits[0]), 'integer'],
          ['hi', integer(c.digits[1]), 'integer'],
        ]),
      ] as const,
  );
  const codes = [...BY_CODE].map(
    ([code, c]) =>
      [
        code,
        d.record([
          ['len', integer(code.length), 'integer'],
          ['lo', integer(c.digits[0]), 'integer'],
          ['hi', integer(c.digits[1]), 'integer'],
        ]),
      ] as const,
  );
  const regions = PHONE_COUNTRIES.flatMap((c) => c.names.map((n) => [n, constant(c.iso)] as const));
  const ofLength = [1, 2, 3].map((n) => [...BY_CODE.keys()].filter((c) => c.length === n));
  const rules: DiallingRules = {
    country: (iso) => text(d.lookup(sql.raw(iso), countries)),
    code: (code) => text(d.lookup(sql.raw(code), codes)),
    region: (name) => text(d.lookup(sql.raw(name), regions)),
    codeOfLength: (value, length) => text(d.oneOf(sql.raw(value), ofLength[length - 1] ?? [])),
  };
  RULES.set(d, rules);
  return rules;
}

/** The ISO code of the country a region's name names ("United Kingdom", " deutschland "), or NULL. */
export const regionCountrySql = (d: Dialect, region: string) =>
  diallingRules(d).region(`lower(trim(${region}))`);

/**
 * Every character besides digits that a number as typed may hold, for translate(): ASCII
 * separators (space, dot, dash, slash, brackets) and "+". Other characters (letters of an
 * extension, separators beyond ASCII such as a no-break space) take a slower way first.
 */
const SEPARATORS_AND_PLUS = ' ().-/+';
/**
 * The number without what a dialler cannot use: an extension ("x12", "ext. 12", ";ext=12",
 * "#12") and what follows it goes, separators beyond ASCII (no-break spaces, Unicode dashes)
 * become spaces; a "+" anywhere but in front, or two of them, make it no number (NULL). Regular expressions are
 * slow, so only numbers with another character than digits, ASCII separators and a leading "+"
 * take that way (few do).
 */
const cleaned = (d: Dialect, phone: string) => {
  const matches = (value: string, pattern: string) => text(d.regexpMatch(sql.raw(value), pattern, 'part'));
  // The extension's match runs to the end of the text, so replacing every match replaces that one.
  const withoutExtension = d.regexpReplaceAll(sql.raw(phone), '(?i)(;\\s*ext=|extension|ext\\.?|x|#).*$', '');
  const stripped = text(d.regexpReplaceAll(withoutExtension, '[\\s\\x{00A0}\\x{2010}-\\x{2015}]', ' '));
  return `CASE WHEN ${matches(phone, '[^0-9 ().+/-]|[^ ]\\+|\\+.*\\+')}
     THEN CASE WHEN ${matches(stripped, '^ *\\+?[^+]*$')} THEN ${stripped} END
     ELSE ${phone} END`;
};
/**
 * The calling code `digits` begin with, of those Retain knows (calling codes are a prefix code),
 * or NULL: the code of its first 1, 2 or 3 digits listed.
 */
const callingCodeOf = (d: Dialect, digits: string) => {
  const { codeOfLength } = diallingRules(d);
  return `CASE
      WHEN ${codeOfLength(`substr(${digits}, 1, 1)`, 1)} THEN substr(${digits}, 1, 1)
      WHEN ${codeOfLength(`substr(${digits}, 1, 2)`, 2)} THEN substr(${digits}, 1, 2)
      WHEN ${codeOfLength(`substr(${digits}, 1, 3)`, 3)} THEN substr(${digits}, 1, 3)
    END`;
};
/**
 * North America's national numbers ([2-9]XX [2-9]XX XXXX), checked on digits without a regular
 * expression: no area code or exchange starts with 0 or 1.
 */
const northAmerican = (nsn: string) =>
  `(length(${nsn}) = 10 AND substr(${nsn}, 1, 1) >= '2' AND substr(${nsn}, 4, 1) >= '2')`;

/**
 * The rows of `source` (a SELECT whose rows have `phone`, the number as typed, and
 * `phone_country`, the ISO code of the country a national number is read in, or NULL): its columns
 * named in `keep` and one more, `phone_e164`: the number as E.164, or NULL. Each step is a column of its own,
 * computed once, and only for the statements that read `phone_e164`. Written for speed: plain
 * string functions, one regular expression for most numbers.
 */
export function withPhoneE164(d: Dialect, source: string, keep: readonly string[]): string {
  const rules = diallingRules(d);
  // "(0)" goes first: "+44 (0)20 …" is how the UK writes its trunk prefix in an international number.
  const digits = `translate(CASE WHEN contains(e164_text, '(0)') THEN replace(e164_text, '(0)', '') ELSE e164_text END,
      ${sqlString(SEPARATORS_AND_PLUS)}, '')`;
  // Digits only (a "+" elsewhere than in front made the text NULL).
  const wellFormed = text(d.regexpMatch(sql.raw('e164_digits'), '[0-9]{1,20}', 'whole'));
  const international = `CASE
      WHEN NOT (${wellFormed}) THEN NULL
      WHEN e164_plus THEN e164_digits
      WHEN starts_with(e164_digits, '00') THEN substr(e164_digits, 3)
      WHEN e164_rules.cc = '1' AND starts_with(e164_digits, '011') THEN substr(e164_digits, 4)
    END`;
  const national = `CASE
      WHEN e164_plus OR e164_rules IS NULL OR NOT (${wellFormed}) THEN NULL
      WHEN e164_rules.trunk <> '' AND starts_with(e164_digits, e164_rules.trunk)
        AND length(e164_digits) - length(e164_rules.trunk) BETWEEN e164_rules.lo AND e164_rules.hi
        THEN substr(e164_digits, length(e164_rules.trunk) + 1)
      WHEN e164_rules.trunk = '' OR e164_rules.optional THEN e164_digits
    END`;
  // An international number of a code Retain knows has as many digits as that code's numbers;
  // of another code, as many as E.164 allows (7 to 15, the first not 0).
  const codeRules = rules.code('e164_code');
  const rest = 'substr(e164_international, length(e164_code) + 1)';
  const internationalOk = `substr(e164_international, 1, 1) <> '0' AND length(e164_international) BETWEEN 7 AND 15 AND (
      e164_code IS NULL
      OR (length(${rest}) BETWEEN ${codeRules}.lo AND ${codeRules}.hi AND (e164_code <> '1' OR ${northAmerican(rest)})))`;
  const nationalOk = `length(e164_national) BETWEEN e164_rules.lo AND e164_rules.hi
      AND length(e164_rules.cc || e164_national) <= 15
      AND (e164_rules.cc <> '1' OR ${northAmerican('e164_national')})`;
  return `SELECT ${keep.join(', ')}${keep.length > 0 ? ',' : ''}
      CASE
        WHEN e164_international IS NOT NULL THEN CASE WHEN ${internationalOk} THEN '+' || e164_international END
        WHEN e164_national IS NOT NULL AND ${nationalOk} THEN '+' || e164_rules.cc || e164_national
      END AS phone_e164
    FROM (
      SELECT *, ${callingCodeOf(d, 'e164_international')} AS e164_code FROM (
        SELECT *, ${international} AS e164_international, ${national} AS e164_national FROM (
          SELECT *, ${digits} AS e164_digits, starts_with(ltrim(e164_text), '+') AS e164_plus FROM (
            SELECT *, ${rules.country('phone_country')} AS e164_rules, ${cleaned(d, 'phone')} AS e164_text
            FROM (${source})
          )
        )
      )
    )`;
}

/**
 * One row, `code`: the calling code most customers' internationally written numbers carry, of
 * those Retain knows (ties to the lower code); NULL or no row when there is none.
 */
export function inferCallingCodeSql(d: Dialect): string {
  // The first digits are enough: a calling code has three at most. Numbers without a code Retain
  // knows are grouped under NULL and sorted last, rather than filtered out (a filter DuckDB would
  // evaluate the expression for again).
  const digits = `translate(substr(ltrim(phone), 1, 12), ${sqlString(SEPARATORS_AND_PLUS)}, '')`;
  return `SELECT code FROM (
      SELECT ${callingCodeOf(d, 'd')} AS code
      FROM (
        SELECT CASE WHEN starts_with(ltrim(phone), '+') THEN ${digits} ELSE substr(${digits}, 3) END AS d
        FROM customers
        WHERE starts_with(ltrim(phone), '+') OR starts_with(ltrim(phone), '00')
      )
    )
    GROUP BY code ORDER BY code IS NULL, count(*) DESC, code LIMIT 1`;
}

/** The country national numbers are read in for a calling code: the first listed with it. */
export function countryOfCallingCode(code: string): string | null {
  return BY_CODE.get(code)?.iso ?? null;
}

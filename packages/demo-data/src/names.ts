import { csvField } from './csvWriter.ts';
import type { Random } from './random.ts';

/**
 * Names from many European and other alphabets written in Latin script, so that exports exercise
 * non-ASCII letters (Björn, Zoë, Łukasz, Þóra) and apostrophes (O'Brien, D'Angelo).
 */
const firstNames = [
  'Björn',
  'Zoë',
  'José',
  'Chloé',
  'François',
  'Łukasz',
  'Søren',
  'Siobhán',
  'Jürgen',
  'Małgorzata',
  'Núria',
  'İlkay',
  'Ólafur',
  'Þóra',
  'Anaïs',
  'Renée',
  'João',
  'Mário',
  'Ingrid',
  'Åsa',
  'Emma',
  'Olivia',
  'Liam',
  'Noah',
  'Sophia',
  'Lucas',
  'Mia',
  'Amelia',
  'Oliver',
  'Ava',
  'Mateo',
  'Fatima',
  'Yusuf',
  'Aisha',
  'Kenji',
  'Mei',
  'Priya',
  'Arjun',
  'Chiara',
  'Luca',
  'Anna',
  'Jan',
  'Eva',
  'Tomás',
  'Dagný',
  'Cécile',
  'Håkon',
  'Zoltán',
  'Radek',
  'Grace',
  'Daniel',
  'Sarah',
  'Thomas',
  'Laura',
  'Michael',
  'Nina',
  'Pedro',
  'Elif',
  'Minh',
  'Sean',
];

const lastNames = [
  'Müller',
  'Ångström',
  'Núñez',
  'García',
  'Lefèvre',
  'Kowalczyk',
  'Jørgensen',
  "O'Brien",
  "D'Angelo",
  "O'Neil",
  'Schröder',
  'Öztürk',
  'Çelik',
  'Nguyễn',
  'Gonçalves',
  'Sigurðardóttir',
  'Håkansson',
  'Dvořáková',
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Martin',
  'Bernard',
  'Rossi',
  'Bianchi',
  'Novak',
  'Horváth',
  'Kovačić',
  'Papadopoulos',
  'Andersson',
  'Nielsen',
  'Virtanen',
  'Fischer',
  'Weber',
  'Dubois',
  'Fernández',
  'López',
  'Silva',
  'Santos',
  'Tanaka',
  'Kim',
  'Chen',
  'Patel',
  'Khan',
  'Ali',
  'Murphy',
  'Kelly',
  'van der Berg',
  'de la Cruz',
  'Mac Giolla Phádraig',
  'Wiśniewski',
  'Łęcka',
  'Żuraw',
  'Byrne',
  'Walsh',
  'Taylor',
  'Wilson',
  'Evans',
];

const nicknames = ['Bob', 'Bea', 'Kiki', 'Max', 'Jo', 'Sunny'];
const suffixes = ['Jr.', 'Sr.', 'PhD', 'III'];
const domains = ['example.com', 'example.org', 'example.net', 'mail.example.com', 'shop.example.net'];

/** Letters that Unicode decomposition does not reduce to ASCII. */
const transliterations: Readonly<Record<string, string>> = {
  ß: 'ss',
  ø: 'o',
  Ø: 'O',
  æ: 'ae',
  Æ: 'Ae',
  œ: 'oe',
  Œ: 'Oe',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'Th',
  ı: 'i',
};

/** ASCII e-mail local part of a name: accents dropped, letters transliterated, the rest removed. */
export function emailLocalPart(name: string): string {
  const decomposed = name.normalize('NFD').replace(/\p{M}/gu, '');
  let ascii = '';
  for (const char of decomposed) ascii += transliterations[char] ?? char;
  return ascii.toLowerCase().replace(/[^a-z0-9]/g, '');
}

// Folded once at start-up: normalising per customer would cost a regex pass on a hot path.
const firstLocal = firstNames.map(emailLocalPart);
const lastLocal = lastNames.map(emailLocalPart);

export interface Contact {
  /** Name, e-mail and phone already encoded as CSV fields. */
  name: string;
  email: string;
  phone: string;
}

/**
 * A made-up contact. Mostly "First Last"; some "Last, First", a few with a nickname in quotes or a
 * suffix after a comma, so the file needs RFC 4180 quoting. The customer number keeps e-mails unique.
 */
export function randomContact(random: Random, customerNumber: number): Contact {
  const first = random.int(firstNames.length);
  const last = random.int(lastNames.length);
  const firstName = firstNames[first] ?? 'Alex';
  const lastName = lastNames[last] ?? 'Doe';
  const style = random.uniform();
  let name: string;
  if (style < 0.86) name = `${firstName} ${lastName}`;
  else if (style < 0.93) name = `${lastName}, ${firstName}`;
  else if (style < 0.97) name = `${firstName} "${nicknames[random.int(nicknames.length)]}" ${lastName}`;
  else name = `${firstName} ${lastName}, ${suffixes[random.int(suffixes.length)]}`;

  const localFirst = firstLocal[first] ?? 'alex';
  const localLast = lastLocal[last] ?? 'doe';
  const emailStyle = random.uniform();
  const local =
    emailStyle < 0.6
      ? `${localFirst}.${localLast}`
      : emailStyle < 0.85
        ? `${localFirst.slice(0, 1)}${localLast}`
        : `${localLast}.${localFirst}`;
  const email = `${local}.${customerNumber}@${domains[random.int(domains.length)]}`;

  return { name: csvField(name), email, phone: randomPhone(random) };
}

/** Numbers from ranges reserved for fiction (UK 07700 900xxx, North American 555-01xx); ~8% missing. */
function randomPhone(random: Random): string {
  const style = random.uniform();
  if (style < 0.08) return '';
  if (style < 0.5) return `+44 7700 900${String(random.int(1000)).padStart(3, '0')}`;
  if (style < 0.85) return `+1 (${200 + random.int(800)}) 555-01${String(random.int(100)).padStart(2, '0')}`;
  return `07700 900${String(random.int(1000)).padStart(3, '0')}`;
}

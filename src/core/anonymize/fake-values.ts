/**
 * The fakes, as SQL expressions evaluated per row in the scratch database
 * (set-based: one UPDATE per table). Each is deterministic for a row: it
 * depends on the row's key (its primary key, else its physical position) and
 * the column's name, never on the original value, so nothing of the original
 * can be read back. Emails use the domain reserved for examples, phone numbers
 * the 555-01xx range reserved for fiction, so the checks (and anyone) can tell
 * a fake from real data.
 */
import { quoteLiteral, textArray } from './sql-text.js';
import type { FakeKind } from './rules.js';

export const FAKE_EMAIL_DOMAIN = 'test.example.com';
export const REDACTED_TEXT = '[redacted]';

export const FIRST_NAMES = [
  'Avery',
  'Blake',
  'Casey',
  'Dakota',
  'Emery',
  'Finley',
  'Gray',
  'Harper',
  'Indigo',
  'Jules',
  'Kendall',
  'Linden',
  'Marlowe',
  'Noel',
  'Oakley',
  'Peyton',
  'Quinn',
  'Reese',
  'Sawyer',
  'Tatum',
  'Umber',
  'Vale',
  'Wren',
  'Xen',
  'Yael',
  'Zephyr',
];
export const LAST_NAMES = [
  'Ashcombe',
  'Brightwater',
  'Coldbrook',
  'Dunmere',
  'Elmsworth',
  'Fallowfield',
  'Greymoor',
  'Hollins',
  'Ivybridge',
  'Juniper',
  'Kestrelby',
  'Larkspur',
  'Mossgrove',
  'Northwick',
  'Oakhurst',
  'Pennywhistle',
  'Quillfeather',
  'Rookwood',
  'Stillwater',
  'Thornbury',
  'Underhill',
  'Vantwood',
  'Willowmere',
  'Yarrow',
];
export const STREETS = [
  'Test',
  'Sample',
  'Example',
  'Placeholder',
  'Fixture',
  'Mock',
  'Dummy',
  'Stub',
  'Fictional',
  'Demo',
];
export const STREET_KINDS = ['St', 'Ave', 'Rd', 'Ln', 'Way', 'Ct'];
export const CITIES = [
  'Testville',
  'Sampleton',
  'Exampleburg',
  'Fixture Falls',
  'Mockford',
  'Placeholder Park',
  'Stubbington',
  'Demo Springs',
  'Fictown',
  'Dummyport',
];

/** The SQL that gives one row its key, as text. */
export interface RowKey {
  /** Text unique per row (primary key values, else ctid). */
  text: string;
  /** A short token made of it, safe inside an email: the id itself for a single integer key, else 16 hex digits of its md5. */
  token: string;
}

/** A non-negative int from the row key and a label, for picking from a list. */
function pick(key: RowKey, label: string): string {
  return `(hashtext(${key.text} || ${quoteLiteral(`:${label}`)}) & 2147483647)`;
}

function fromList(list: readonly string[], key: RowKey, label: string): string {
  return `(${textArray(list)})[1 + ${pick(key, label)} % ${list.length}]`;
}

/**
 * A fake of `kind` for the row. `column` varies the pick between columns;
 * `unique` adds the row's token where the fake itself could repeat.
 */
export function fakeExpression(kind: FakeKind, key: RowKey, column: string, unique: boolean): string {
  const suffix = unique ? ` || ' #' || ${key.token}` : '';
  switch (kind) {
    case 'email':
      return `'user' || ${key.token} || ${quoteLiteral(`@${FAKE_EMAIL_DOMAIN}`)}`;
    case 'phone':
      return `'+1 555-01' || lpad((${pick(key, column)} % 100)::text, 2, '0')${unique ? ` || ' x' || ${key.token}` : ''}`;
    case 'first_name':
      return `${fromList(FIRST_NAMES, key, column)}${suffix}`;
    case 'last_name':
      return `${fromList(LAST_NAMES, key, column)}${suffix}`;
    case 'name':
      return `${fromList(FIRST_NAMES, key, `${column}:first`)} || ' ' || ${fromList(LAST_NAMES, key, `${column}:last`)}${suffix}`;
    case 'address':
      return `(100 + ${pick(key, column)} % 9900)::text || ' ' || ${fromList(STREETS, key, `${column}:street`)} || ' ' || ${fromList(STREET_KINDS, key, `${column}:kind`)}${suffix}`;
    case 'city':
      return `${fromList(CITIES, key, column)}${suffix}`;
  }
}

/** A regex alternative of literal words. */
function oneOf(words: readonly string[]): string {
  return `(?:${words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;
}

/**
 * SQL: whether text `v` is a value the `kind` fake can produce (so an original
 * equal to it, found in the output, is not a leak: anyone's fake says the same).
 */
export function fakeCanProduce(kind: FakeKind, v: string): string {
  const unique = '(?: #[0-9a-f]+)?$';
  switch (kind) {
    case 'email':
      return `${v} ~ ${quoteLiteral(`^user[0-9a-f]+@${FAKE_EMAIL_DOMAIN.replace(/\./g, '\\.')}$`)}`;
    case 'phone':
      return `${v} ~ '^\\+1 555-01[0-9]{2}(?: x[0-9a-f]+)?$'`;
    case 'first_name':
      return `${v} ~ ${quoteLiteral(`^${oneOf(FIRST_NAMES)}${unique}`)}`;
    case 'last_name':
      return `${v} ~ ${quoteLiteral(`^${oneOf(LAST_NAMES)}${unique}`)}`;
    case 'name':
      return `${v} ~ ${quoteLiteral(`^${oneOf(FIRST_NAMES)} ${oneOf(LAST_NAMES)}${unique}`)}`;
    case 'address':
      return `${v} ~ ${quoteLiteral(`^[0-9]+ ${oneOf(STREETS)} ${oneOf(STREET_KINDS)}${unique}`)}`;
    case 'city':
      return `${v} ~ ${quoteLiteral(`^${oneOf(CITIES)}${unique}`)}`;
  }
}

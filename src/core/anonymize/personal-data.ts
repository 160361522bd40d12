/**
 * Whether a column looks personal: by its name (email, phone, first_name,
 * ssn, iban, card, token, password, ip, birth...) and by its content (emails,
 * phone numbers, payment card numbers that pass Luhn, IBANs that pass their
 * mod-97 check, secret-looking tokens, IP addresses). The content patterns are
 * written once, as regular expressions both JavaScript and Postgres read the
 * same way (no \b, non-capturing groups, lookahead only), so the sample check here and the full scan
 * of the output in SQL (core/anonymize/verification-sql.ts) agree.
 */

export type PersonalKind =
  | 'email'
  | 'phone'
  | 'first_name'
  | 'last_name'
  | 'name'
  | 'address'
  | 'city'
  | 'national_id'
  | 'bank_account'
  | 'card'
  | 'credential'
  | 'ip'
  | 'birth_date'
  | 'location';

export type ContentKind = 'email' | 'phone' | 'card' | 'iban' | 'token' | 'ip';
export const CONTENT_KINDS: readonly ContentKind[] = ['email', 'phone', 'card', 'iban', 'token', 'ip'];

const PERSON_TABLES =
  /^(users?|accounts?|customers?|clients?|people|persons?|members?|employees?|contacts?|patients?|students?|profiles?|subscribers?|guests?|authors?|owners?|tenants?|applicants?|candidates?|leads?|recipients?|drivers?|passengers?)$/;
const NAME_QUALIFIERS = new Set([
  'first',
  'last',
  'given',
  'family',
  'sur',
  'full',
  'middle',
  'maiden',
  'display',
  'user',
  'nick',
  'contact',
  'customer',
  'person',
  'legal',
  'real',
  'billing',
  'shipping',
  'owner',
  'holder',
  'cardholder',
  'account',
]);

/** A column name as lowercase words: "firstName" -> [first, name], "e_mail2" -> [e, mail]. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((word) => word !== '');
}

/** Why a column's name suggests personal data, with the kind of data; undefined when it does not. */
export function personalByName(
  column: string,
  table: string,
): { kind: PersonalKind; reason: string } | undefined {
  const words = nameWords(column);
  const joined = words.join('_');
  const has = (...candidates: string[]) => candidates.some((word) => words.includes(word));
  const hit = (kind: PersonalKind, what: string) => ({ kind, reason: `its name suggests ${what}` });
  if (has('email', 'mail', 'emailaddress') || /(^|_)e_mail(_|$)/.test(joined))
    return hit('email', 'an email address');
  if (has('phone', 'telephone', 'mobile', 'tel', 'fax', 'msisdn', 'cell', 'phonenumber'))
    return hit('phone', 'a phone number');
  if (
    has('ssn', 'sin', 'nin', 'passport', 'nationalid', 'taxid', 'tin', 'vat') ||
    /social_security|national_id|tax_id|driver_?s?_licen[cs]e|id_card/.test(joined)
  )
    return hit('national_id', 'a national identifier');
  if (has('iban', 'bic', 'swift', 'routing') || /account_(number|no)|bank_account/.test(joined))
    return hit('bank_account', 'a bank account');
  if (has('card', 'pan', 'cvv', 'cvc', 'ccnum', 'creditcard') || /(^|_)cc_(number|num|no)(_|$)/.test(joined))
    return hit('card', 'a payment card');
  if (
    has(
      'token',
      'secret',
      'password',
      'passwd',
      'pwd',
      'apikey',
      'otp',
      'salt',
      'credential',
      'credentials',
    ) ||
    /api_key|private_key|access_key|session_key|auth_key/.test(joined)
  )
    return hit('credential', 'a secret or credential');
  if (
    has('ip', 'ipaddr', 'ipv', 'useragent') ||
    /(^|_)ip_?address|remote_addr|user_agent|mac_address/.test(joined)
  )
    return hit('ip', 'a network address');
  if (has('birth', 'birthday', 'birthdate', 'dob', 'born')) return hit('birth_date', 'a birth date');
  if (has('latitude', 'longitude', 'lat', 'lng', 'lon', 'geo', 'geolocation', 'coordinates', 'gps'))
    return hit('location', 'a location');
  if (has('street', 'address', 'addr', 'zip', 'zipcode', 'postcode', 'postal'))
    return hit('address', 'a postal address');
  if (has('city', 'town')) return hit('city', 'a place of residence');
  if (has('firstname', 'forename', 'givenname') || (has('name') && has('first', 'given')))
    return hit('first_name', "a person's first name");
  if (has('lastname', 'surname', 'familyname') || (has('name') && has('last', 'family', 'sur')))
    return hit('last_name', "a person's last name");
  if (has('fullname', 'username', 'nickname', 'displayname')) return hit('name', "a person's name");
  if (
    has('name') &&
    (words.some((word) => NAME_QUALIFIERS.has(word)) || PERSON_TABLES.test(table.toLowerCase()))
  )
    return hit('name', "a person's name");
  return undefined;
}

/**
 * The content patterns, each a regular expression with the same meaning in
 * JavaScript and in Postgres (ARE): character classes spelled out, no \b, only
 * non-capturing groups (so Postgres' substring() returns the whole match).
 */
export const CONTENT_PATTERNS = {
  email: '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}',
  /** An address at a domain reserved for examples (RFC 2606): nobody's. Removed before looking for emails. */
  fakeEmail:
    '[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\\.)*(?:example\\.(?:com|org|net)|test|example|invalid|localhost)(?![A-Za-z0-9.-])',
  /** +CC and 7 to 15 digits with separators, or a North American number with separators. */
  phone:
    '(?:\\+[0-9]{1,3}[ .-]?(?:\\([0-9]{1,4}\\)[ .-]?)?[0-9]{2,4}(?:[ .-]?[0-9]{2,4}){1,4})|(?:(?:^|[^0-9+])\\(?[2-9][0-9]{2}\\)?[ -][0-9]{3}[ -][0-9]{4}(?:[^0-9]|$))',
  /** The 555-01xx numbers reserved for fiction: what devenv's phone fakes use. */
  fakePhone: '555-01[0-9][0-9]',
  /** 13 to 19 digits, optionally grouped by single spaces or dashes. */
  card: '(?:^|[^0-9])[0-9](?:[ -]?[0-9]){12,18}(?:[^0-9]|$)',
  iban: '(?:^|[^A-Z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?:[^A-Z0-9]|$)',
  /** The whole value: one run of 20+ token characters (random-looking: see tokenLike). */
  token: '^[A-Za-z0-9_+/=.-]{20,}$',
  tokenHex: '^[0-9a-fA-F]{32,}$',
  jwt: 'eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.',
  ip: '(?:^|[^0-9.])(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:[^0-9.]|$)',
} as const;

const compiled = {
  email: new RegExp(CONTENT_PATTERNS.email),
  fakeEmail: new RegExp(CONTENT_PATTERNS.fakeEmail, 'g'),
  phone: new RegExp(CONTENT_PATTERNS.phone),
  fakePhone: new RegExp(CONTENT_PATTERNS.fakePhone),
  card: new RegExp(CONTENT_PATTERNS.card),
  iban: new RegExp(CONTENT_PATTERNS.iban),
  token: new RegExp(CONTENT_PATTERNS.token),
  tokenHex: new RegExp(CONTENT_PATTERNS.tokenHex),
  jwt: new RegExp(CONTENT_PATTERNS.jwt),
  ip: new RegExp(CONTENT_PATTERNS.ip),
};

/** Luhn's checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** Whether 13 to 19 digits are a payment card number: an issuer's prefix and length, and Luhn. */
export function cardNumber(digits: string): boolean {
  if (!/^[0-9]{13,19}$/.test(digits) || !luhnValid(digits)) return false;
  return new RegExp(CARD_PREFIX).test(digits);
}

/**
 * Issuer prefixes and lengths: Visa 4 (13, 16, 19), Mastercard 51-55 and
 * 2221-2720 (16), Amex 34/37 (15), Discover 6011/65/644-649 (16-19), JCB 3528-3589
 * (16-19), Diners 36/38/300-305 (14-19). Shared with SQL.
 */
export const CARD_PREFIX =
  '^(4([0-9]{12}|[0-9]{15}|[0-9]{18})|5[1-5][0-9]{14}|2(2[2-9][1-9]|2[3-9][0-9]|[3-6][0-9]{2}|7[01][0-9]|720)[0-9]{12}|3[47][0-9]{13}|(6011|65[0-9]{2}|64[4-9][0-9])[0-9]{12,15}|35(2[89]|[3-8][0-9])[0-9]{12,15}|(36|38|30[0-5])[0-9]{12,17})$';

/** IBAN lengths by country (the registry's, for the countries most dumps meet). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AT: 20,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  CH: 21,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  EE: 20,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IS: 26,
  IT: 27,
  KW: 30,
  KZ: 20,
  LB: 28,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  TN: 24,
  TR: 26,
  UA: 29,
};

/** Whether a string (spaces allowed) is an IBAN: a known country, its length, and mod 97 = 1. */
export function ibanValid(text: string): boolean {
  const iban = text.replace(/ /g, '');
  const length = IBAN_LENGTHS[iban.slice(0, 2)];
  if (length === undefined || iban.length !== length || !/^[A-Z]{2}[0-9]{2}[A-Z0-9]+$/.test(iban))
    return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= 'A' && char <= 'Z' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/**
 * A whole value that looks like a secret: 20+ token characters mixing lower
 * case, upper case and digits (base64, API keys), or 32+ hex digits (hashes,
 * session ids). File names, words and UUIDs do not.
 */
export function tokenLike(value: string): boolean {
  if (!compiled.token.test(value)) return false;
  if (compiled.tokenHex.test(value)) return true;
  return /[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9]/.test(value);
}

/** Which content kinds one value holds (devenv's own fakes are not personal). */
export function contentKinds(value: string): ContentKind[] {
  const kinds: ContentKind[] = [];
  if (value.includes('@') && compiled.email.test(value.replace(compiled.fakeEmail, ''))) kinds.push('email');
  if (compiled.phone.test(value) && !compiled.fakePhone.test(value)) kinds.push('phone');
  const card = compiled.card.exec(value);
  if (card && cardNumber(card[0].replace(/[^0-9]/g, ''))) kinds.push('card');
  const iban = compiled.iban.exec(value);
  if (iban && ibanValid(iban[0].replace(/[^A-Z0-9]/g, ''))) kinds.push('iban');
  if (compiled.jwt.test(value) || tokenLike(value.trim())) kinds.push('token');
  if (compiled.ip.test(value)) kinds.push('ip');
  return kinds;
}

/**
 * How many matching values make a column look personal, of `total` sampled:
 * one email, phone number, IBAN or IP address is enough; cards and tokens
 * need a fifth of the values (a column of ids or checksums has some by chance).
 */
export function looksPersonal(kind: ContentKind, matches: number, total: number): boolean {
  if (matches === 0) return false;
  if (kind === 'card' || kind === 'token') return matches >= Math.max(1, Math.ceil(total * 0.2));
  return true;
}

export interface ContentFinding {
  kind: ContentKind;
  matches: number;
  sampled: number;
}

/** The personal content kinds of a sample of one column's values (NULLs left out). */
export function personalByContent(values: readonly (string | null)[]): ContentFinding[] {
  const present = values.filter((value): value is string => value !== null && value !== '');
  const counts = new Map<ContentKind, number>();
  for (const value of present)
    for (const kind of contentKinds(value)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return CONTENT_KINDS.flatMap((kind) => {
    const matches = counts.get(kind) ?? 0;
    return looksPersonal(kind, matches, present.length) ? [{ kind, matches, sampled: present.length }] : [];
  });
}

const CONTENT_WORDS: Record<ContentKind, string> = {
  email: 'email addresses',
  phone: 'phone numbers',
  card: 'payment card numbers',
  iban: 'IBANs',
  token: 'secret-looking tokens',
  ip: 'IP addresses',
};

/** "emails in 12 of 200 sampled values" */
export function describeFinding(finding: ContentFinding): string {
  return `${CONTENT_WORDS[finding.kind]} in ${finding.matches} of ${finding.sampled} sampled values`;
}

export function contentWords(kind: ContentKind): string {
  return CONTENT_WORDS[kind];
}

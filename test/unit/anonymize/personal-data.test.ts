import { describe, expect, it } from 'vitest';
import {
  cardNumber,
  contentKinds,
  ibanValid,
  luhnValid,
  personalByContent,
  personalByName,
  tokenLike,
} from '../../../src/core/anonymize/personal-data.js';

describe('personal data by column name', () => {
  it.each([
    ['email', 'users', 'email'],
    ['contactEmail', 'companies', 'email'],
    ['e_mail', 'users', 'email'],
    ['mobile_phone', 'users', 'phone'],
    ['first_name', 'users', 'first_name'],
    ['givenName', 'people', 'first_name'],
    ['surname', 'users', 'last_name'],
    ['full_name', 'orders', 'name'],
    ['name', 'customers', 'name'],
    ['billing_name', 'invoices', 'name'],
    ['street', 'companies', 'address'],
    ['zip', 'companies', 'address'],
    ['city', 'companies', 'city'],
    ['ssn', 'employees', 'national_id'],
    ['tax_id', 'employees', 'national_id'],
    ['iban', 'payouts', 'bank_account'],
    ['card_number', 'payment_methods', 'card'],
    ['token', 'sessions', 'credential'],
    ['password_hash', 'users', 'credential'],
    ['api_key', 'integrations', 'credential'],
    ['ip_address', 'audit_logs', 'ip'],
    ['user_agent', 'audit_logs', 'ip'],
    ['date_of_birth', 'users', 'birth_date'],
    ['dob', 'users', 'birth_date'],
    ['latitude', 'stores', 'location'],
  ])('%s (of %s) looks like %s', (column, table, kind) => {
    expect(personalByName(column, table)?.kind).toBe(kind);
  });

  it.each([
    ['id', 'users'],
    ['created_at', 'users'],
    ['name', 'products'],
    ['table_name', 'schema_info'],
    ['action', 'audit_logs'],
    ['state', 'orders'],
    ['version', 'schema_migrations'],
    ['expires_at', 'sessions'],
  ])('%s (of %s) does not', (column, table) => {
    expect(personalByName(column, table)).toBeUndefined();
  });
});

describe('personal data by content', () => {
  it('checks Luhn and the issuers of payment card numbers', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(cardNumber('4111111111111111')).toBe(true); // Visa test number
    expect(cardNumber('5555555555554444')).toBe(true); // Mastercard
    expect(cardNumber('378282246310005')).toBe(true); // Amex
    expect(cardNumber('20230101120000')).toBe(false); // a timestamp: no issuer starts with 2023
    expect(cardNumber('1234567812345670')).toBe(false); // Luhn-valid, no issuer
  });

  it('checks IBANs: country, length and mod 97', () => {
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(ibanValid('DE89370400440532013001')).toBe(false);
    expect(ibanValid('XX89370400440532013000')).toBe(false);
  });

  it('tells tokens from words, file names and UUIDs', () => {
    expect(tokenLike('sk_live_4eC39HqLyjWDarjtT1zdp7dc')).toBe(true);
    expect(tokenLike('5f4dcc3b5aa765d61d8327deb882cf995f4dcc3b5aa765d61d8327deb882cf99')).toBe(true);
    expect(tokenLike('report_2023_final_version2.pdf')).toBe(false);
    expect(tokenLike('123e4567-e89b-12d3-a456-426614174000')).toBe(false);
    expect(tokenLike('internationalization_enabled')).toBe(false);
  });

  it.each([
    ['alice@example.org', []],
    ['alice@corp.io', ['email']],
    ['called back, reach at bob.smith@mail7.com tomorrow', ['email']],
    ['user42@test.example.com', []],
    ['+1 (415) 555-2671', ['phone']],
    ['call 415-555-2671 after 5', ['phone']],
    ['+1 555-0142', []],
    ['2023-01-01', []],
    ['4111 1111 1111 1111', ['card']],
    ['DE89 3704 0044 0532 0130 00', ['iban']],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc', ['token']],
    ['login from 10.1.2.3', ['ip']],
    ['version 1.2.3', []],
    ['login', []],
  ])('%s holds %j', (value, kinds) => {
    expect(contentKinds(value)).toEqual(kinds);
  });

  it('counts one email, phone, IBAN or IP as personal; cards and tokens from a fifth of the sample', () => {
    const notes = [...Array<string>(99).fill('no answer'), 'write to carol@mail.net', null];
    expect(personalByContent(notes)).toEqual([{ kind: 'email', matches: 1, sampled: 100 }]);
    // Ids that pass Luhn by chance (one in ten) are not cards.
    const ids = Array.from({ length: 100 }, (_, i) =>
      i < 10 ? '4111111111111111' : String(4000000000000000 + i * 7),
    );
    expect(personalByContent(ids).filter((f) => f.kind === 'card')).toEqual([]);
    const cards = Array.from({ length: 10 }, () => '4111111111111111');
    expect(personalByContent(cards)).toEqual([{ kind: 'card', matches: 10, sampled: 10 }]);
  });
});

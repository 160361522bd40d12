/** Fuzzing the anonymization rules parser (anonymize.yaml). */
import { describe, expect, it } from 'vitest';
import { parseAnonymizeRules } from '../../../src/core/anonymize/parse-rules.js';
import { fuzzParser, FUZZ_RUNS } from './fuzz-harness.js';
import { documents, fixture } from './yaml-documents.js';

const EVERY_RULE = `tables:
  public.users:
    where_delete: "created_at < now() - interval '90 days'"
    columns:
      id: keep
      email: email
      phone: phone
      name: { value: "'anonymous'" }
      born: { shift_date: 30 }
      notes: redact
      token: 'null'
      login: hash
      address: address
      city: city
      kept: { keep: 'public by design' }
  payments: delete
  logs: truncate
keep: [schema_migrations, { table: public.flags, reason: no personal data }]
`;

const SEEDS = [fixture('test/fixtures/anonymize/article-rules.yaml'), EVERY_RULE];

const KEYS = [
  'tables',
  'keep',
  'columns',
  'where_delete',
  'delete',
  'truncate',
  'null',
  'redact',
  'hash',
  'email',
  'phone',
  'first_name',
  'last_name',
  'address',
  'city',
  'value',
  'shift_date',
  'table',
  'reason',
  'users',
  'public.users',
  'id',
  'x-ext',
];

describe('fuzz: the anonymization rules', () => {
  it('answers every document with rules or a located ANONYMIZE_RULES_INVALID', () => {
    const stats = fuzzParser(
      {
        name: 'anonymize-rules',
        files: ['anonymize.yaml'],
        codes: ['ANONYMIZE_RULES_INVALID'],
        parse: (text: string) =>
          parseAnonymizeRules({ path: '/home/dev/project/anonymize.yaml', file: 'anonymize.yaml', text }),
      },
      documents(SEEDS, KEYS),
    );
    expect(stats.runs).toBe(FUZZ_RUNS);
    expect(stats.crashes + stats.hangs).toBe(0);
  });
});

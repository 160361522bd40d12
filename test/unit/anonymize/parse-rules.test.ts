import { describe, expect, it } from 'vitest';
import { errorOf, rulesOf } from './article-schema.js';

describe('anonymize rules: parsing', () => {
  it("reads the issue's example: table rules, column rules, keep, each with its line", () => {
    const rules = rulesOf(`tables:
  users:
    columns:
      email: email            # user<id>@test.example.com style
      phone: phone
      first_name: first_name
      last_name: last_name
      notes: redact
      created_at: keep
  payment_methods: delete     # all rows
  audit_logs:
    where_delete: "created_at < now() - interval '90 days'"
  sessions:
    columns: { token: "null", expires_at: { value: "now()" } }
  companies:
    columns: { street: address, city: city, state: { value: "'TS'" }, zip: { value: "'12345'" } }
  old_events: truncate
keep: ["schema_migrations", { app_settings: "the support address only" }]
`);
    expect(rules.tables.map((t) => [t.key, t.action, t.line])).toEqual([
      ['users', 'columns', 2],
      ['payment_methods', 'delete', 10],
      ['audit_logs', 'columns', 11],
      ['sessions', 'columns', 13],
      ['companies', 'columns', 15],
      ['old_events', 'truncate', 17],
    ]);
    const users = rules.tables[0]!;
    expect(users.columns.map((c) => [c.column, c.rule, c.line])).toEqual([
      ['email', { kind: 'fake', fake: 'email' }, 4],
      ['phone', { kind: 'fake', fake: 'phone' }, 5],
      ['first_name', { kind: 'fake', fake: 'first_name' }, 6],
      ['last_name', { kind: 'fake', fake: 'last_name' }, 7],
      ['notes', { kind: 'redact' }, 8],
      ['created_at', { kind: 'keep' }, 9],
    ]);
    expect(rules.tables[2]!.whereDelete).toBe("created_at < now() - interval '90 days'");
    expect(rules.tables[3]!.columns.map((c) => c.rule)).toEqual([
      { kind: 'null' },
      { kind: 'value', sql: 'now()' },
    ]);
    expect(rules.keep).toEqual([
      {
        table: { schema: 'public', name: 'schema_migrations' },
        key: 'schema_migrations',
        path: 'keep[0]',
        line: 18,
      },
      {
        table: { schema: 'public', name: 'app_settings' },
        key: 'app_settings',
        reason: 'the support address only',
        path: 'keep[1]',
        line: 18,
      },
    ]);
  });

  it('reads every column rule: hash, name, address, city, shift_date, keep with a reason; schema-qualified tables', () => {
    const rules = rulesOf(`tables:
  audit.events:
    columns:
      actor: hash
      who: name
      home: address
      town: city
      born: { shift_date: 365 }
      bio: { keep: "public profile text" }
`);
    expect(rules.tables[0]!.table).toEqual({ schema: 'audit', name: 'events' });
    expect(rules.tables[0]!.columns.map((c) => c.rule)).toEqual([
      { kind: 'hash' },
      { kind: 'fake', fake: 'name' },
      { kind: 'fake', fake: 'address' },
      { kind: 'fake', fake: 'city' },
      { kind: 'shift_date', days: 365 },
      { kind: 'keep', reason: 'public profile text' },
    ]);
  });

  it('names file, line and key of an unknown rule', () => {
    const error = errorOf(() => rulesOf('tables:\n  users:\n    columns:\n      email: emial\n'));
    expect(error.code).toBe('ANONYMIZE_RULES_INVALID');
    expect(error.message).toMatch(/^anonymize\.yaml:4 tables\.users\.columns\.email: unknown rule "emial"/);
    expect(error.location).toEqual({ file: 'anonymize.yaml', line: 4, path: 'tables.users.columns.email' });
  });

  it.each([
    ['an unknown table rule', 'tables:\n  users: scramble\n', 2, 'unknown table rule "scramble"'],
    ['an unknown key of a table', 'tables:\n  users:\n    colums: {}\n', 3, 'unknown key "colums"'],
    ['an unknown top-level key', 'tables: {}\nkeeps: [a]\n', 2, 'unknown key "keeps"'],
    ['an empty column rule', 'tables:\n  users:\n    columns:\n      token:\n', 4, 'has no rule'],
    ['a bare YAML null', 'tables:\n  users:\n    columns:\n      token: null\n', 4, 'write "null" in quotes'],
    [
      'a mapping rule with two keys',
      'tables:\n  t:\n    columns:\n      c: { value: "1", keep: x }\n',
      4,
      'exactly one key',
    ],
    [
      'a shift_date that is not whole days',
      'tables:\n  t:\n    columns:\n      c: { shift_date: 1.5 }\n',
      4,
      'whole number of days',
    ],
    [
      'a table with neither columns nor where_delete',
      'tables:\n  t: {}\n',
      2,
      'needs columns:, where_delete:, or both',
    ],
    ['a where_delete that is not a string', 'tables:\n  t:\n    where_delete: 3\n', 3, 'an SQL condition'],
    ['keep that is not a list of names', 'keep: { a: 1 }\n', 1, 'must be a list of table names'],
  ])('names the line of %s', (_what, text, line, message) => {
    const error = errorOf(() => rulesOf(text));
    expect(error.code).toBe('ANONYMIZE_RULES_INVALID');
    expect(error.location?.line).toBe(line);
    expect(error.message).toContain(message);
  });

  it('refuses an empty file: every table needs a rule', () => {
    expect(errorOf(() => rulesOf('')).message).toContain('is empty');
  });

  it('names the line of a YAML syntax error, under the rules code', () => {
    const error = errorOf(() => rulesOf('tables:\n  users:\n    columns: [email\n'));
    expect(error.code).toBe('ANONYMIZE_RULES_INVALID');
    expect(error.message).toMatch(/^anonymize\.yaml:\d+: invalid YAML/);
  });

  it('refuses a duplicate key, and the same table written twice (users and public.users, or tables and keep)', () => {
    expect(errorOf(() => rulesOf('tables:\n  users: delete\n  users: truncate\n')).message).toContain(
      'anonymize.yaml:3: invalid YAML: duplicate key',
    );
    const twice = errorOf(() => rulesOf('tables:\n  users: delete\n  public.users: truncate\n'));
    expect(twice.message).toBe(
      'anonymize.yaml:3 tables["public.users"]: this rule names a table that already has a rule at line 2 (tables.users)',
    );
    expect(errorOf(() => rulesOf('tables:\n  users: delete\nkeep: [users]\n')).location?.line).toBe(3);
  });

  describe('hostile input', () => {
    it.each([
      ['a quote in a table name', "tables:\n  'users\"; DROP TABLE users; --': delete\n", 2],
      ['a semicolon in a table name', 'tables:\n  "users; DROP TABLE x": delete\n', 2],
      ['a quote in a column name', "tables:\n  users:\n    columns:\n      'email\" = NULL; --': keep\n", 4],
      ['a control character in a name', 'tables:\n  "users\\u0000": delete\n', 2],
      ['a name longer than Postgres allows', `tables:\n  ${'x'.repeat(64)}: delete\n`, 2],
      ['a table name with two dots', 'tables:\n  a.b.c: delete\n', 2],
      ['a quote in a kept table', "keep: ['x\"; DROP SCHEMA public CASCADE; --']\n", 1],
    ])('refuses %s, naming the line', (_what, text, line) => {
      const error = errorOf(() => rulesOf(text));
      expect(error.code).toBe('ANONYMIZE_RULES_INVALID');
      expect(error.location?.line).toBe(line);
    });

    it('refuses a second statement or a comment in the SQL of a rule (the rules are trusted, but one expression)', () => {
      const value = errorOf(() =>
        rulesOf('tables:\n  t:\n    columns:\n      c: { value: "1; DROP TABLE users" }\n'),
      );
      expect(value.message).toContain(
        'anonymize.yaml:4 tables.t.columns.c.value: must be one SQL expression',
      );
      const where = errorOf(() => rulesOf('tables:\n  t:\n    where_delete: "true -- and more"\n'));
      expect(where.location?.line).toBe(3);
      // A semicolon inside a string literal is data, not a statement separator.
      expect(
        rulesOf(`tables:\n  t:\n    columns:\n      c: { value: "'a;b'" }\n`).tables[0]!.columns[0]!.rule,
      ).toEqual({
        kind: 'value',
        sql: "'a;b'",
      });
    });

    it('refuses alias bombs as devenv.yaml does', () => {
      const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
        .concat(
          Array.from(
            { length: 7 },
            (_, i) =>
              `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
                .fill(`*${String.fromCharCode(97 + i)}`)
                .join(', ')}]`,
          ),
        )
        .join('\n');
      expect(errorOf(() => rulesOf(bomb)).message).toContain('aliases expand to more than');
    });
  });
});

import { describe, expect, it } from 'vitest';
import {
  keptButPersonal,
  keptPersonalError,
  planAnonymization,
  rulesSnippet,
  uncoveredError,
  withContentFindings,
} from '../../../src/core/anonymize/coverage.js';
import type { ContentFinding } from '../../../src/core/anonymize/personal-data.js';
import { articleRules, articleSchema, errorOf, rulesOf, table } from './article-schema.js';

const noFindings = () => [];

describe('anonymize coverage: fail closed', () => {
  it('plans every table of the article when every column has a rule', () => {
    const { plan, uncovered } = planAnonymization(rulesOf(articleRules), articleSchema());
    expect(uncovered).toEqual([]);
    expect(plan.tables.map((t) => [t.table.name, t.action, t.whereDelete])).toEqual([
      ['audit_logs', 'columns', "created_at < now() - interval '90 days'"],
      ['companies', 'columns', undefined],
      ['payment_methods', 'delete', undefined],
      ['schema_migrations', 'keep', undefined],
      ['sessions', 'columns', undefined],
      ['users', 'columns', undefined],
    ]);
  });

  it("lists every column without a rule at once, personal-looking first, with rules to paste (the issue's example leaves ids out)", () => {
    const rules = rulesOf(`tables:
  users:
    columns: { email: email, phone: phone, first_name: first_name, last_name: last_name, notes: redact, created_at: keep }
  payment_methods: delete
  sessions:
    columns: { token: "null", expires_at: { value: "now()" } }
  companies:
    columns: { street: address, city: city, state: { value: "'TS'" }, zip: { value: "'12345'" } }
keep: ["schema_migrations"]
`);
    const { uncovered } = planAnonymization(rules, articleSchema());
    const error = uncoveredError(rules, uncovered);
    expect(error.code).toBe('ANONYMIZE_UNCOVERED');
    expect(error.message).toBe(
      '11 columns of the dump have no rule in anonymize.yaml, 1 looking personal; tables without any rule: audit_logs. Nothing was written (fail closed).',
    );
    expect(error.details).toEqual([
      '  audit_logs.ip_address (looks personal: its name suggests a network address)',
      '  audit_logs.id',
      '  audit_logs.user_id',
      '  audit_logs.action',
      '  audit_logs.created_at',
      '  companies.id',
      '  companies.name',
      '  sessions.id',
      '  sessions.user_id',
      '  users.id',
      '  users.company_id',
      '',
      'Rules to paste into anonymize.yaml (merge with the tables already there):',
      'tables:',
      '  audit_logs:  # not in the rules: or `delete`, `truncate`, or under keep:',
      '    columns:',
      '      ip_address: "null"  # looks personal: its name suggests a network address',
      '      id: keep',
      '      user_id: keep',
      '      action: keep',
      '      created_at: keep',
      '  companies:',
      '    columns:',
      '      id: keep',
      '      name: keep',
      '  sessions:',
      '    columns:',
      '      id: keep',
      '      user_id: keep',
      '  users:',
      '    columns:',
      '      id: keep',
      '      company_id: keep',
    ]);
  });

  it('adds what the content sample says, and suggests redact for free text found personal by content', () => {
    const schema = articleSchema();
    schema.tables.push(
      table('tickets', [
        ['id', 'bigint', { nullable: false }],
        ['body', 'text'],
      ]),
    );
    const rules = rulesOf(
      `${articleRules.replace('keep: ["schema_migrations"]', 'keep: ["schema_migrations"]')}`,
    );
    const { uncovered } = planAnonymization(rules, schema);
    const findings = (t: { name: string }, column: string): ContentFinding[] =>
      t.name === 'tickets' && column === 'body' ? [{ kind: 'email', matches: 3, sampled: 200 }] : [];
    const enriched = withContentFindings(uncovered, findings);
    expect(rulesSnippet(enriched)).toEqual([
      'tables:',
      '  tickets:  # not in the rules: or `delete`, `truncate`, or under keep:',
      '    columns:',
      '      id: keep',
      '      body: redact  # looks personal: email addresses in 3 of 200 sampled values',
    ]);
  });

  it('quotes odd names in the snippet', () => {
    const schema = {
      tables: [
        table('Odd Table', [
          ['id', 'bigint'],
          ['e-mail', 'text'],
        ]),
      ],
      foreignKeys: [],
      largeObjects: 0,
    };
    const { uncovered } = planAnonymization(rulesOf('tables: {}\n'), schema);
    expect(rulesSnippet(uncovered).slice(1)).toEqual([
      '  "Odd Table":  # not in the rules: or `delete`, `truncate`, or under keep:',
      '    columns:',
      '      id: keep',
      '      "e-mail": email  # looks personal: its name suggests an email address',
    ]);
  });

  it('counts a table-level delete or truncate, and a kept table, as covering every column; generated columns need no rule', () => {
    const schema = {
      tables: [
        table('a', [
          ['id', 'bigint'],
          ['secret', 'text'],
        ]),
        table('b', [['id', 'bigint']]),
        table(
          'c',
          [
            ['first', 'text'],
            ['last', 'text'],
            ['full', 'text', { generated: true }],
          ],
          [],
        ),
      ],
      foreignKeys: [],
      largeObjects: 0,
    };
    const { plan, uncovered } = planAnonymization(
      rulesOf('tables:\n  a: delete\n  c:\n    columns: { first: first_name, last: last_name }\nkeep: [b]\n'),
      schema,
    );
    expect(uncovered).toEqual([]);
    expect(plan.tables[2]!.columns.map((c) => [c.column.name, c.rule.kind])).toEqual([
      ['first', 'fake'],
      ['last', 'fake'],
      ['full', 'generated'],
    ]);
  });

  it('does not count where_delete alone as covering the rows that stay', () => {
    const rules = rulesOf(
      `tables:\n  audit_logs:\n    where_delete: "created_at < now() - interval '90 days'"\n`,
    );
    const schema = { tables: [articleSchema().tables[0]!], foreignKeys: [], largeObjects: 0 };
    expect(planAnonymization(rules, schema).uncovered.map((u) => u.column.name)).toEqual([
      'id',
      'user_id',
      'action',
      'ip_address',
      'created_at',
    ]);
  });

  describe('rules that do not fit the schema: errors with their lines, all at once', () => {
    it('names a table the dump does not have (a hostile or mistyped name is just a name)', () => {
      const error = errorOf(() =>
        planAnonymization(rulesOf('tables:\n  "users) --": delete\n  user: delete\n'), articleSchema()),
      );
      expect(error.code).toBe('ANONYMIZE_RULES_INVALID');
      expect(error.message).toMatch(/^2 rules of anonymize\.yaml do not fit the dump: anonymize\.yaml:2 /);
      expect(error.details).toEqual([
        'anonymize.yaml:2 tables["users) --"]: the dump has no table "users) --" (its tables: audit_logs, companies, payment_methods, schema_migrations, sessions, users)',
        'anonymize.yaml:3 tables.user: the dump has no table "user" (its tables: audit_logs, companies, payment_methods, schema_migrations, sessions, users)',
      ]);
    });

    it.each([
      ['a column the table does not have', 'emial: email', 'table users has no column "emial"'],
      ['null on a NOT NULL column', 'email: "null"', 'users.email is NOT NULL'],
      [
        'a fake on a non-text column',
        'created_at: email',
        'users.created_at is timestamp with time zone: the email fake is text',
      ],
      ['shift_date on text', 'notes: { shift_date: 3 }', 'shift_date moves dates and timestamps'],
      ['hash on a timestamp', 'created_at: hash', 'hash works on text and uuid columns'],
      [
        'a bare word as value',
        'phone: { value: TS }',
        `value is SQL, and TS names no column of users: for the text TS write "'TS'"`,
      ],
    ])('%s', (_what, rule, message) => {
      const error = errorOf(() =>
        planAnonymization(rulesOf(`tables:\n  users:\n    columns:\n      ${rule}\n`), articleSchema()),
      );
      expect(error.code).toBe('ANONYMIZE_RULES_INVALID');
      expect(error.location?.line).toBe(4);
      expect(error.message).toContain(message);
    });

    it('refuses masking a generated column', () => {
      const schema = {
        tables: [table('c', [['full', 'text', { generated: true }]], [])],
        foreignKeys: [],
        largeObjects: 0,
      };
      expect(
        errorOf(() => planAnonymization(rulesOf('tables:\n  c:\n    columns: { full: redact }\n'), schema))
          .message,
      ).toContain('is a generated column');
    });
  });

  it('fails a plain keep of a column whose content looks personal; a keep with a reason passes', () => {
    const rules = rulesOf(
      articleRules.replace('action: keep', 'action: keep').replace('name: keep', 'name: keep'),
    );
    const { plan } = planAnonymization(rules, articleSchema());
    const findings = (t: { name: string }, column: string): ContentFinding[] =>
      (t.name === 'audit_logs' && column === 'action') ||
      (t.name === 'schema_migrations' && column === 'version')
        ? [{ kind: 'ip', matches: 2, sampled: 50 }]
        : [];
    const kept = keptButPersonal(plan, findings);
    expect(kept.map((k) => [k.table.name, k.column.name, k.line, k.viaTable])).toEqual([
      ['audit_logs', 'action', 15, false],
      ['schema_migrations', 'version', 20, true],
    ]);
    const error = keptPersonalError(rules, kept);
    expect(error.code).toBe('ANONYMIZE_UNCOVERED');
    expect(error.details[0]).toBe(
      'anonymize.yaml:15 tables.audit_logs.columns.action: audit_logs.action is kept but looks personal: IP addresses in 2 of 50 sampled values',
    );
    const withReasons = rulesOf(
      articleRules
        .replace('action: keep', 'action: { keep: "event names only" }')
        .replace('keep: ["schema_migrations"]', 'keep: [{ schema_migrations: "versions" }]'),
    );
    expect(keptButPersonal(planAnonymization(withReasons, articleSchema()).plan, findings)).toEqual([]);
    expect(keptButPersonal(plan, noFindings)).toEqual([]);
  });
});

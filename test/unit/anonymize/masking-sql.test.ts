import { describe, expect, it } from 'vitest';
import { planAnonymization } from '../../../src/core/anonymize/coverage.js';
import { maskingScript, planLines, rowKey, samplePercent } from '../../../src/core/anonymize/masking-sql.js';
import { quoteIdent, quoteLiteral } from '../../../src/core/anonymize/sql-text.js';
import { articleRules, articleSchema, rulesOf, table } from './article-schema.js';

const SALT = 'pepper';

function articleScript(): string {
  const schema = articleSchema();
  const { plan } = planAnonymization(rulesOf(articleRules), schema);
  return maskingScript(plan, schema, SALT).sql;
}

describe('anonymize SQL: masking', () => {
  it('says in words what the script does, one line per table', () => {
    const { plan } = planAnonymization(rulesOf(articleRules), articleSchema());
    expect(planLines(plan)).toEqual([
      "audit_logs: delete where created_at < now() - interval '90 days'; mask ip_address (null), created_at (shift_date 30); keep 3 columns",
      "companies: mask street (address), city (city), state (value 'TS'), zip (value '12345'); keep 2 columns",
      'payment_methods: delete all rows',
      'schema_migrations: keep',
      'sessions: mask token (null), expires_at (value now()); keep 2 columns',
      'users: mask email (email), phone (phone), first_name (first_name), last_name (last_name), notes (redact); keep 3 columns',
    ]);
  });

  it('masks set-based: one UPDATE per table, fakes from the row key, NULL kept NULL, varchar bounds kept', () => {
    const sql = articleScript();
    expect(sql).toContain(`UPDATE ONLY "public"."users" SET
  "email" = 'user' || "id"::text || '@test.example.com',
  "phone" = CASE WHEN "phone" IS NULL THEN NULL ELSE '+1 555-01' || lpad(((hashtext("id"::text || ':phone') & 2147483647) % 100)::text, 2, '0') END,`);
    expect(sql).toContain(`"notes" = CASE WHEN "notes" IS NULL THEN NULL ELSE '[redacted]' END;`);
    expect(sql).toContain(`UPDATE ONLY "public"."companies" SET
  "street" = CASE WHEN "street" IS NULL THEN NULL ELSE (100 + (hashtext("id"::text || ':street') & 2147483647) % 9900)::text || ' ' ||`);
    expect(sql).toContain(`"state" = ('TS'),\n  "zip" = ('12345');`);
    expect(sql).toContain(
      `UPDATE ONLY "public"."sessions" SET\n  "token" = NULL,\n  "expires_at" = (now());`,
    );
    expect(sql).toContain(
      `"created_at" = "created_at" + (hashtext('pepper' || "id"::text) % 31) * interval '1 day';`,
    );
    // Kept columns and kept tables are never written.
    expect(sql).not.toMatch(/"created_at" = .*\n.*UPDATE ONLY "public"."users"/);
    expect(sql).not.toMatch(/(UPDATE|DELETE FROM|TRUNCATE) "public"."schema_migrations"/);
  });

  it('deletes first, children before the tables they reference, in the same transaction as the counts', () => {
    const sql = articleScript();
    const order = [
      'BEGIN;',
      'INSERT INTO "devenv_anonymize"."counts" SELECT 0, count(*), count(*) FILTER (WHERE (created_at < now() - interval \'90 days\') IS TRUE)',
      'INSERT INTO "devenv_anonymize"."originals"',
      `DELETE FROM ONLY "public"."audit_logs" WHERE (created_at < now() - interval '90 days');`,
      'DELETE FROM ONLY "public"."payment_methods";',
      // A table deleted whole: counted by its DELETE (psql's ROW_COUNT), not by a scan before.
      `INSERT INTO "devenv_anonymize"."counts" VALUES (2, :ROW_COUNT, :ROW_COUNT, '{}'::jsonb);`,
      'UPDATE ONLY "public"."audit_logs" SET',
      'UPDATE ONLY "public"."users" SET',
      'COMMIT;',
    ].map((part) => sql.indexOf(part));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(sql).not.toContain('count(*) FROM ONLY "public"."payment_methods"');
  });

  it('samples the originals of masked text columns only, long enough to mean something', () => {
    const sql = articleScript();
    expect(sql).toContain(
      'INSERT INTO "devenv_anonymize"."originals" SELECT DISTINCT ON (v) 6, v, k FROM (SELECT "email"::text AS v, "id"::text AS k FROM ONLY "public"."users" WHERE "email" IS NOT NULL AND length("email"::text) >= 4 LIMIT 1000) s;',
    );
    expect(sql).toContain(`length("notes"::text) >= 12 LIMIT 1000`);
    expect(sql).not.toContain('SELECT "created_at"::text AS v');
  });

  it('samples large tables by pages', () => {
    expect(samplePercent(100)).toBe(100);
    expect(samplePercent(20_000)).toBe(0.5);
    const big = articleSchema();
    big.tables.find((t) => t.name === 'users')!.pages = 20_000;
    const { plan } = planAnonymization(rulesOf(articleRules), big);
    expect(maskingScript(plan, big, SALT).sql).toContain(
      'FROM ONLY "public"."users" TABLESAMPLE SYSTEM (0.5) REPEATABLE (7) WHERE "email" IS NOT NULL',
    );
  });

  it('keys rows by their primary key, a composite one, or their position; emails stay unique', () => {
    expect(rowKey(table('t', [['id', 'bigint']]))).toEqual({ text: '"id"::text', token: '"id"::text' });
    expect(rowKey(table('t', [['code', 'text']], ['code']))).toEqual({
      text: '"code"::text',
      token: 'left(md5("code"::text), 16)',
    });
    expect(
      rowKey(
        table(
          't',
          [
            ['a', 'bigint'],
            ['b', 'bigint'],
          ],
          ['a', 'b'],
        ),
      ).text,
    ).toBe(`concat_ws('|', "a"::text, "b"::text)`);
    expect(rowKey(table('t', [['a', 'text']], [])).text).toBe('ctid::text');
  });

  it('quotes every identifier the schema gives, however hostile', () => {
    const schema = {
      tables: [
        table('evil"; DROP TABLE users; --', [
          ['id', 'bigint'],
          ['e"mail', 'text'],
        ]),
      ],
      foreignKeys: [],
      largeObjects: 0,
    };
    const rules = rulesOf('tables:\n  placeholder: delete\n');
    // The rules cannot name it (the parser refuses quotes); bind the rule to the schema's name directly.
    rules.tables[0] = {
      ...rules.tables[0]!,
      table: { schema: 'public', name: schema.tables[0]!.name },
      action: 'columns',
      columns: [
        { column: 'id', rule: { kind: 'keep' }, path: 'x' },
        { column: 'e"mail', rule: { kind: 'fake', fake: 'email' }, path: 'y' },
      ],
    };
    const sql = maskingScript(planAnonymization(rules, schema).plan, schema, "it's").sql;
    expect(sql).toContain(
      `UPDATE ONLY "public"."evil""; DROP TABLE users; --" SET\n  "e""mail" = CASE WHEN "e""mail" IS NULL`,
    );
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteLiteral("it's")).toBe(`'it''s'`);
  });

  it('hashes with the salt, keeping joins (the same value gives the same hash) and uuids uuids', () => {
    const schema = {
      tables: [
        table('t', [
          ['id', 'bigint'],
          ['ref', 'varchar(20)', { maxLength: 20 }],
          ['u', 'uuid'],
        ]),
      ],
      foreignKeys: [],
      largeObjects: 0,
    };
    const sql = maskingScript(
      planAnonymization(rulesOf('tables:\n  t:\n    columns: { id: keep, ref: hash, u: hash }\n'), schema)
        .plan,
      schema,
      SALT,
    ).sql;
    expect(sql).toContain(
      `"ref" = left(encode(sha256(convert_to('pepper' || "ref"::text, 'UTF8')), 'hex'), 20)`,
    );
    expect(sql).toContain(`"u" = md5('pepper' || "u"::text)::uuid`);
  });

  it("keeps the application's triggers quiet while masking, and turns them back on as they were", () => {
    const schema = articleSchema();
    const users = schema.tables.find((t) => t.name === 'users')!;
    users.triggers = [
      { name: 'users_audit', enabled: 'O' },
      { name: 'users_sync', enabled: 'A' },
    ];
    const sql = maskingScript(planAnonymization(rulesOf(articleRules), schema).plan, schema, SALT).sql;
    const disable = sql.indexOf('ALTER TABLE ONLY "public"."users" DISABLE TRIGGER "users_audit";');
    const update = sql.indexOf('UPDATE ONLY "public"."users" SET');
    const enable = sql.indexOf('ALTER TABLE ONLY "public"."users" ENABLE TRIGGER "users_audit";');
    expect(disable).toBeGreaterThan(0);
    expect(update).toBeGreaterThan(disable);
    expect(enable).toBeGreaterThan(update);
    expect(sql).toContain('ALTER TABLE ONLY "public"."users" ENABLE ALWAYS TRIGGER "users_sync";');
    expect(sql.indexOf('COMMIT;')).toBeGreaterThan(enable);
  });

  it('truncates in one statement, so tables referencing each other go together', () => {
    const schema = {
      tables: [table('a', [['id', 'bigint']]), table('b', [['id', 'bigint']])],
      foreignKeys: [],
      largeObjects: 0,
    };
    const sql = maskingScript(
      planAnonymization(rulesOf('tables:\n  a: truncate\n  b: truncate\n'), schema).plan,
      schema,
      SALT,
    ).sql;
    expect(sql).toContain('TRUNCATE ONLY "public"."a", ONLY "public"."b";');
  });
});

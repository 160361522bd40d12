import { describe, expect, it } from 'vitest';
import { planAnonymization } from '../../../src/core/anonymize/coverage.js';
import { tracedColumns } from '../../../src/core/anonymize/masking-sql.js';
import {
  contentPredicate,
  foreignKeysCheck,
  foreignKeysQuery,
  originalsCheck,
  originalsQuery,
  suspectsSql,
  survivorsQuery,
  patternTargets,
  readPatterns,
  rowCountsCheck,
  survivorTargets,
} from '../../../src/core/anonymize/verification-sql.js';
import { CONTENT_PATTERNS } from '../../../src/core/anonymize/personal-data.js';
import { articleRules, articleSchema, rulesOf } from './article-schema.js';

function articlePlan() {
  const schema = articleSchema();
  return { schema, plan: planAnonymization(rulesOf(articleRules), schema).plan };
}

describe('anonymize checks', () => {
  it('looks for originals in every text column passed through or written by a value rule, and scans kept and computed ones for patterns', () => {
    const { plan } = articlePlan();
    const names = (targets: ReturnType<typeof survivorTargets>) =>
      targets.flatMap((t) => t.columns.map((c) => `${t.table.name}.${c.name}`));
    expect(names(survivorTargets(plan))).toEqual([
      'audit_logs.action',
      'companies.name',
      'companies.state',
      'companies.zip',
      'schema_migrations.version',
    ]);
    expect(names(patternTargets(plan))).toEqual([
      'audit_logs.action',
      'companies.name',
      'companies.state',
      'companies.zip',
      'schema_migrations.version',
    ]);
    const withReason = planAnonymization(
      rulesOf(articleRules.replace('name: keep', 'name: { keep: "company names are public" }')),
      articleSchema(),
    ).plan;
    expect(names(survivorTargets(withReason))).not.toContain('companies.name');
    expect(names(patternTargets(withReason))).not.toContain('companies.name');
  });

  it('checks row counts: deleted tables empty, where_delete exactly what it matched, others untouched', () => {
    const { plan } = articlePlan();
    const counts = [
      { before: 100, deleted: 70, after: 30, touched: {} },
      { before: 5, deleted: 0, after: 5, touched: {} },
      { before: 40, deleted: 40, after: 0, touched: {} },
      { before: 3, deleted: 0, after: 3, touched: {} },
      { before: 50, deleted: 0, after: 50, touched: {} },
      { before: 40, deleted: 0, after: 40, touched: {} },
    ];
    expect(rowCountsCheck(plan, counts)).toEqual({
      name: 'row-counts',
      passed: true,
      summary: '6 tables as the rules say (110 rows deleted)',
      problems: [],
    });
    counts[4] = { before: 50, deleted: 0, after: 20, touched: {} };
    expect(rowCountsCheck(plan, counts).problems).toEqual([
      'sessions: 20 rows, expected 50 (50 before, 0 deleted by its rule): rows went with rows of another table (ON DELETE CASCADE); give this table a rule that says so (where_delete, delete)',
    ]);
  });

  it('fails when a masked column still holds most of its originals, or an original turns up elsewhere', () => {
    const { plan } = articlePlan();
    const traced = tracedColumns(plan);
    const email = traced.find((t) => t.column.name === 'email')!;
    const ok = originalsCheck(traced, [{ id: email.id, sampled: 1000, unchanged: 3 }], []);
    expect(ok.passed).toBe(true);
    const unchanged = originalsCheck(traced, [{ id: email.id, sampled: 1000, unchanged: 990 }], []);
    expect(unchanged.problems).toEqual(['users.email still holds 990 of 1000 sampled original values']);
    const audit = plan.tables[0]!;
    const leaked = originalsCheck(
      traced,
      [],
      [{ table: audit.table, column: audit.table.columns[2]!, values: 4, sources: [email] }],
    );
    expect(leaked.problems).toEqual([
      'audit_logs.action holds 4 original values of users.email: mask it too, or keep it with a reason if that is on purpose',
    ]);
  });

  it('looks only for originals no rule could have produced, and asks each sampled row whether it still holds its own', () => {
    const { plan } = articlePlan();
    const traced = tracedColumns(plan);
    const suspects = suspectsSql(traced);
    expect(suspects).toContain(`o.value ~ '^user[0-9a-f]+@test\\.example\\.com$'`);
    expect(suspects).toContain(`o.value ~ '^\\+1 555-01[0-9]{2}(?: x[0-9a-f]+)?$'`);
    expect(suspects).toContain(`o.value = '[redacted]'`);
    // What a value rule wrote excuses nothing: its column is scanned instead.
    expect(suspects).not.toContain('"zip"');
    expect(suspects).toMatch(/o\.value ~ '\^\(\?:Avery\|Blake\|/);
    const email = traced.find((t) => t.column.name === 'email')!;
    expect(originalsQuery([email])).toBe(
      `SELECT jsonb_build_array(jsonb_build_object('id', ${email.id}, 'sampled', (SELECT count(*) FROM "devenv_anonymize"."originals" WHERE source = ${email.id}), 'unchanged', (SELECT count(*) FROM "devenv_anonymize"."originals" o JOIN ONLY "public"."users" t ON t."id" = o.key::bigint WHERE o.source = ${email.id} AND t."email"::text = o.value)))`,
    );
  });

  it('scans a value-written column for originals unless it holds one value in every row', () => {
    const { plan } = articlePlan();
    const companies = survivorTargets(plan).find((t) => t.table.name === 'companies')!;
    const query = survivorsQuery([companies]);
    expect(query).toContain(
      `CASE WHEN min("zip"::text COLLATE "C") = max("zip"::text COLLATE "C") THEN 0 ELSE count(*) FILTER (WHERE "zip"::text IN (SELECT value FROM "devenv_anonymize"."suspects")) END`,
    );
    expect(query).toContain(
      `count(*) FILTER (WHERE "name"::text IN (SELECT value FROM "devenv_anonymize"."suspects")), CASE`,
    );
    // A value rule copying another column is caught: the column is a target like a kept one.
    const copied = planAnonymization(
      rulesOf(articleRules.replace('notes: redact', 'notes: { value: "last_name" }')),
      articleSchema(),
    ).plan;
    const users = survivorTargets(copied).find((t) => t.table.name === 'users')!;
    expect(users.columns.map((c) => c.name)).toEqual(['notes']);
    expect(survivorsQuery([users])).toContain('CASE WHEN min("notes"::text COLLATE "C")');
  });

  it('reads pattern counts with the same thresholds as the sample: one email fails, a few Luhn-valid ids do not', () => {
    const { plan } = articlePlan();
    const targets = patternTargets(plan);
    const zero = { n: 100, email: 0, phone: 0, card: 0, iban: 0, token: 0, ip: 0 };
    const answer = targets.map((t) => t.columns.map(() => ({ ...zero })));
    answer[0]![0] = { ...zero, email: 1, card: 10 };
    expect(
      readPatterns(targets, answer).map((h) => [h.table.name, h.column.name, h.kind, h.matches]),
    ).toEqual([['audit_logs', 'action', 'email', 1]]);
  });

  it('holds foreign keys to what Postgres enforced: validated with their triggers on; NOT VALID ones counted row by row', () => {
    const schema = articleSchema();
    schema.foreignKeys[3]!.validated = false;
    const query = foreignKeysQuery(schema);
    expect(query).toContain(
      '(SELECT count(*) FROM ONLY "public"."users" c WHERE c."company_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ONLY "public"."companies" p WHERE p."id" = c."company_id"))',
    );
    expect(query.match(/NOT EXISTS/g)).toHaveLength(1);
    const held = foreignKeysCheck(schema, [
      [true, 0, -1],
      [true, 0, -1],
      [true, 0, -1],
      [false, 0, 0],
    ]);
    expect(held).toMatchObject({
      passed: true,
      summary:
        '4 foreign keys hold (validated, enforced while masking; 1 NOT VALID in the dump checked row by row)',
    });
    expect(
      foreignKeysCheck(schema, [
        [true, 1, -1],
        [null, 0, -1],
        [true, 0, -1],
        [false, 0, 2],
      ]).problems,
    ).toEqual([
      'foreign key audit_logs_user_id_fkey (audit_logs(user_id) -> users(id)) has disabled triggers: it was not enforced',
      'foreign key payment_methods_user_id_fkey (payment_methods(user_id) -> users(id)) is gone',
      'foreign key users_company_id_fkey: 2 rows of users(company_id) -> companies(id) reference nothing',
    ]);
  });

  it('writes the content patterns in a form Postgres reads as JavaScript does', () => {
    for (const pattern of Object.values(CONTENT_PATTERNS)) {
      expect(pattern).not.toMatch(/\\b|\(\?<|\(\?=/); // no \b, no lookbehind or positive lookahead
      // Only non-capturing groups (escaped parentheses are characters).
      expect(pattern.replace(/\\[()]/g, '').replace(/\(\?[:!]/g, '')).not.toContain('(');
    }
    expect(contentPredicate('email', 'x')).toBe(
      `(x LIKE '%@%' AND regexp_replace(x, '${CONTENT_PATTERNS.fakeEmail}', '', 'g') ~ '${CONTENT_PATTERNS.email}')`,
    );
  });
});

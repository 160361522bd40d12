/**
 * The checks after masking, as SQL for the scratch database and the reading
 * of their answers (pure). Nothing is written out unless all pass:
 * - row-counts: deleted tables are empty, where_delete removed what it
 *   matched and nothing else, every other table kept its rows (an ON DELETE
 *   CASCADE the rules did not ask for shows here);
 * - originals-gone: the sampled original values of the masked text columns
 *   (masking-sql.ts) that no rule could have produced are nowhere in the
 *   output's kept, computed or `value`-written text columns (columns a fake,
 *   redact, hash or null rule wrote hold only what those rules produce), and a
 *   masked column does not still hold most of its originals;
 * - patterns: no kept or computed text holds emails, phone numbers, payment
 *   cards (Luhn), IBANs (mod 97), tokens or IP addresses (full scans, with the
 *   patterns of personal-data.ts; devenv's own fakes do not count);
 * - foreign-keys: every foreign key holds: validated and enforced while
 *   masking (its triggers enabled); those the dump has as NOT VALID are
 *   checked for orphans row by row.
 * A column kept with a reason, or a table kept with one, is left out of the
 * value checks: that is what the reason says.
 */
import type { AnonymizePlan, ColumnPlan, TablePlan } from './coverage.js';
import { fakeCanProduce, REDACTED_TEXT } from './fake-values.js';
import { work, type TracedColumn } from './masking-sql.js';
import {
  CARD_PREFIX,
  CONTENT_KINDS,
  CONTENT_PATTERNS,
  IBAN_LENGTHS,
  contentWords,
  looksPersonal,
  type ContentKind,
} from './personal-data.js';
import { tableLabel } from './rules.js';
import { WORK_SCHEMA, type ColumnInfo, type DatabaseSchema, type TableInfo } from './schema.js';
import { onlyTable, qualifiedName, quoteIdent, quoteLiteral } from './sql-text.js';

export const CHECK_NAMES = [
  'coverage',
  'kept-columns',
  'row-counts',
  'originals-gone',
  'patterns',
  'foreign-keys',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export interface CheckResult {
  name: CheckName;
  passed: boolean;
  summary: string;
  /** One line per problem (never a value of the data: names and counts only). */
  problems: string[];
}

/** A rule that writes the column itself (not keep, not generated). */
const masks = (plan: ColumnPlan) => plan.rule.kind !== 'keep' && plan.rule.kind !== 'generated';
const keptWithReason = (tablePlan: TablePlan, plan: ColumnPlan) =>
  (tablePlan.action === 'keep' && tablePlan.kept?.reason !== undefined) ||
  (plan.rule.kind === 'keep' && plan.rule.reason !== undefined);
const remaining = (plan: AnonymizePlan) =>
  plan.tables.filter((t) => t.action === 'columns' || t.action === 'keep');

export interface TableColumns {
  table: TableInfo;
  columns: ColumnInfo[];
  /** Of those, the ones a `value` rule wrote (survivorTargets only). */
  written?: ColumnInfo[];
}

/**
 * Text columns where originals are looked for: every text column the rules
 * pass through (not kept with a reason), and every one a `value` rule wrote
 * (its SQL can copy another column: `notes: { value: "last_name" }`).
 */
export function survivorTargets(plan: AnonymizePlan): TableColumns[] {
  return remaining(plan)
    .map((tablePlan) => {
      const columns = tablePlan.columns.filter(
        (c) =>
          c.column.category === 'text' &&
          (!masks(c) || c.rule.kind === 'value') &&
          !keptWithReason(tablePlan, c),
      );
      return {
        table: tablePlan.table,
        columns: columns.map((c) => c.column),
        written: columns.filter((c) => c.rule.kind === 'value').map((c) => c.column),
      };
    })
    .filter((target) => target.columns.length > 0);
}

/** Columns scanned for personal content: kept (without a reason), computed (generated) or written by `value`. */
export function patternTargets(plan: AnonymizePlan): TableColumns[] {
  return remaining(plan)
    .map((tablePlan) => ({
      table: tablePlan.table,
      columns: tablePlan.columns
        .filter((c) => ['text', 'json', 'array'].includes(c.column.category))
        .filter((c) => !keptWithReason(tablePlan, c))
        .filter((c) => !masks(c) || c.rule.kind === 'value')
        .map((c) => c.column),
    }))
    .filter((target) => target.columns.length > 0);
}

const regex = (pattern: string) => quoteLiteral(pattern);

/** Helper functions for the pattern scan, in the work schema (dropped before the dump). */
export function helperFunctionsSql(): string {
  const lengths = quoteLiteral(JSON.stringify(IBAN_LENGTHS));
  return `
SET standard_conforming_strings = on;
CREATE OR REPLACE FUNCTION ${quoteIdent(WORK_SCHEMA)}.is_card(v text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT AS $f$
  SELECT coalesce(d ~ ${regex(CARD_PREFIX)} AND (
    SELECT sum(CASE WHEN i % 2 = 1 THEN CASE WHEN x > 4 THEN x * 2 - 9 ELSE x * 2 END ELSE x END)
    FROM (SELECT i, substr(d, length(d) - i, 1)::int AS x FROM generate_series(0, length(d) - 1) AS i) s) % 10 = 0, false)
  FROM (SELECT regexp_replace(substring(v FROM ${regex(CONTENT_PATTERNS.card)}), '[^0-9]', '', 'g') AS d) m
$f$;
CREATE OR REPLACE FUNCTION ${quoteIdent(WORK_SCHEMA)}.is_iban(v text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT AS $f$
  SELECT coalesce(length(d) = (${lengths}::jsonb ->> left(d, 2))::int AND d ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]+$' AND (
    SELECT string_agg(CASE WHEN c ~ '[A-Z]' THEN (ascii(c) - 55)::text ELSE c END, '' ORDER BY i)
    FROM regexp_split_to_table(substr(d, 5) || left(d, 4), '') WITH ORDINALITY AS t(c, i))::numeric % 97 = 1, false)
  FROM (SELECT regexp_replace(substring(v FROM ${regex(CONTENT_PATTERNS.iban)}), '[^A-Z0-9]', '', 'g') AS d) m
$f$;
`;
}

/**
 * SQL: whether text expression `e` holds content of `kind` (the same meaning
 * as contentKinds in personal-data.ts). Each starts with a cheap test (a
 * character, a length) so that most values never reach the regular expression.
 */
export function contentPredicate(kind: ContentKind, e: string): string {
  const p = CONTENT_PATTERNS;
  const digit = `${e} ~ '[0-9]'`;
  switch (kind) {
    case 'email':
      return `(${e} LIKE '%@%' AND regexp_replace(${e}, ${regex(p.fakeEmail)}, '', 'g') ~ ${regex(p.email)})`;
    case 'phone':
      return `(${digit} AND ${e} ~ ${regex(p.phone)} AND ${e} !~ ${regex(p.fakePhone)})`;
    case 'card':
      return `(length(${e}) >= 13 AND ${digit} AND ${e} ~ ${regex(p.card)} AND ${quoteIdent(WORK_SCHEMA)}.is_card(${e}))`;
    case 'iban':
      return `(length(${e}) >= 15 AND ${e} ~ '[A-Z][A-Z][0-9][0-9]' AND ${e} ~ ${regex(p.iban)} AND ${quoteIdent(WORK_SCHEMA)}.is_iban(${e}))`;
    case 'token': {
      const t = `btrim(${e})`;
      return `(length(${e}) >= 20 AND (${e} ~ ${regex(p.jwt)} OR (${t} ~ ${regex(p.token)} AND (${t} ~ ${regex(p.tokenHex)} OR (${t} ~ '[a-z]' AND ${t} ~ '[A-Z]' AND ${t} ~ '[0-9]')))))`;
    }
    case 'ip':
      return `(${e} LIKE '%.%.%.%' AND ${e} ~ ${regex(p.ip)})`;
  }
}

/** After-counts of every table of the plan, with the counts taken before masking. */
export function countsQuery(plan: AnonymizePlan): string {
  const after = plan.tables.map((t) => `(SELECT count(*) FROM ${onlyTable(t.table)})`);
  return `SELECT jsonb_build_object('before', (SELECT jsonb_agg(to_jsonb(c) ORDER BY c.tbl) FROM ${work('counts')} c), 'after', jsonb_build_array(${after.join(', ')}))`;
}

/**
 * The sampled originals worth looking for: those no fake, redact or hash rule
 * of the plan could have produced (an original "Avery" where fake first names
 * are made is anyone's fake too). What a `value` rule wrote is not excused
 * here: its column is scanned like a kept one (survivorsQuery).
 */
export function suspectsSql(traced: readonly TracedColumn[]): string {
  const v = 'o.value';
  const produced = new Set<string>();
  for (const column of traced) {
    const rule = column.rule;
    if (rule.kind === 'fake') produced.add(fakeCanProduce(rule.fake, v));
    else if (rule.kind === 'redact') produced.add(`${v} = ${quoteLiteral(REDACTED_TEXT)}`);
    else if (rule.kind === 'hash') produced.add(`${v} ~ '^[0-9a-f]{1,32}$'`);
  }
  const excluded = produced.size === 0 ? 'false' : [...produced].join('\n  OR ');
  return [
    `CREATE TABLE ${work('suspects')} AS SELECT DISTINCT o.value FROM ${work('originals')} o WHERE NOT (\n  ${excluded});`,
    `ANALYZE ${work('suspects')};`,
  ].join('\n');
}

/**
 * Per masked column: originals sampled, and how many of the sampled rows still
 * hold theirs (by primary key: an index lookup each; without a single-column
 * key, any row holding it counts).
 */
export function originalsQuery(traced: readonly TracedColumn[]): string {
  if (traced.length === 0) return `SELECT '[]'::jsonb`;
  const perColumn = traced.map((t) => {
    const name = quoteIdent(t.column.name);
    const pk = t.table.primaryKey.length === 1 ? t.table.primaryKey[0]! : undefined;
    const pkType = t.table.columns.find((c) => c.name === pk)?.type;
    const still =
      pk !== undefined && pkType !== undefined
        ? `(SELECT count(*) FROM ${work('originals')} o JOIN ${onlyTable(t.table)} t ON t.${quoteIdent(pk)} = o.key::${pkType} WHERE o.source = ${t.id} AND t.${name}::text = o.value)`
        : `(SELECT count(*) FROM ${work('originals')} o WHERE o.source = ${t.id} AND o.value IN (SELECT ${name}::text FROM ${onlyTable(t.table)}))`;
    return `jsonb_build_object('id', ${t.id}, 'sampled', (SELECT count(*) FROM ${work('originals')} WHERE source = ${t.id}), 'unchanged', ${still})`;
  });
  return `SELECT jsonb_build_array(${perColumn.join(', ')})`;
}

/**
 * Per target table, per column: how many values are suspects (sampled
 * originals no rule produced). A column a `value` rule filled with one and
 * the same value in every row (a constant: `zip: { value: "'12345'" }`) holds
 * no one's data even where an original happens to equal it: 0 for it.
 */
export function survivorsQuery(targets: readonly TableColumns[]): string {
  const perTable = targets.map(({ table, columns, written }) => {
    const counts = columns.map((c) => {
      const e = `${quoteIdent(c.name)}::text`;
      const found = `count(*) FILTER (WHERE ${e} IN (SELECT value FROM ${work('suspects')}))`;
      return written?.includes(c)
        ? `CASE WHEN min(${e} COLLATE "C") = max(${e} COLLATE "C") THEN 0 ELSE ${found} END`
        : found;
    });
    return `(SELECT jsonb_build_array(${counts.join(', ')}) FROM ${onlyTable(table)})`;
  });
  return `SELECT jsonb_build_array(${perTable.join(', ')})`;
}

/** Which masked columns' originals a column holds (asked only for columns where survivorsQuery found some). */
export function survivorSourcesQuery(table: TableInfo, column: ColumnInfo): string {
  return `SELECT coalesce(jsonb_agg(DISTINCT o.source), '[]'::jsonb) FROM ${onlyTable(table)} t JOIN ${work('originals')} o ON o.value = t.${quoteIdent(column.name)}::text WHERE o.value IN (SELECT value FROM ${work('suspects')})`;
}

/** Per target table, per column: {n: non-null values, KIND: matches...}. */
export function patternsQuery(targets: readonly TableColumns[]): string {
  const perTable = targets.map(({ table, columns }) => {
    const perColumn = columns.map((c) => {
      const e = `${quoteIdent(c.name)}::text`;
      const kinds = CONTENT_KINDS.map(
        (kind) => `'${kind}', count(*) FILTER (WHERE ${contentPredicate(kind, e)})`,
      );
      return `jsonb_build_object('n', count(${quoteIdent(c.name)}), ${kinds.join(', ')})`;
    });
    return `(SELECT jsonb_build_array(${perColumn.join(', ')}) FROM ${onlyTable(table)})`;
  });
  return `SELECT jsonb_build_array(${perTable.join(', ')})`;
}

/**
 * Foreign keys: Postgres enforced them while the script masked (their triggers
 * are never disabled), so a key that is validated, with all its triggers
 * enabled, holds. Per key: [validated, disabled triggers, orphans], orphans
 * counted row by row only for keys the dump has as NOT VALID (-1 otherwise).
 */
export function foreignKeysQuery(schema: DatabaseSchema): string {
  if (schema.foreignKeys.length === 0) return `SELECT '[]'::jsonb`;
  const perKey = schema.foreignKeys.map((fk) => {
    const constraint = `(SELECT oid FROM pg_constraint WHERE conname = ${quoteLiteral(fk.name)} AND conrelid = ${quoteLiteral(qualifiedName(fk.table))}::regclass)`;
    const set = fk.columns.map((c) => `c.${quoteIdent(c)} IS NOT NULL`).join(' AND ');
    const match = fk.columns
      .map((c, i) => `p.${quoteIdent(fk.referencedColumns[i]!)} = c.${quoteIdent(c)}`)
      .join(' AND ');
    const orphans = fk.validated
      ? '-1'
      : `(SELECT count(*) FROM ${onlyTable(fk.table)} c WHERE ${set} AND NOT EXISTS (SELECT 1 FROM ${onlyTable(fk.references)} p WHERE ${match}))`;
    return `jsonb_build_array((SELECT convalidated FROM pg_constraint WHERE oid = ${constraint}), (SELECT count(*) FROM pg_trigger WHERE tgconstraint = ${constraint} AND tgenabled = 'D'), ${orphans})`;
  });
  return `SELECT jsonb_build_array(${perKey.join(', ')})`;
}

// ---- reading the answers -------------------------------------------------

export interface TableCounts {
  before: number;
  deleted: number;
  after: number;
  /** Column -> non-null values the rule rewrote. */
  touched: Record<string, number>;
}

export function readCounts(plan: AnonymizePlan, answer: unknown): TableCounts[] {
  const raw = answer as {
    before: { tbl: number; before: number; deleted: number; touched: Record<string, number> }[];
    after: number[];
  };
  return plan.tables.map((_, index) => {
    const before = raw.before.find((row) => row.tbl === index);
    return {
      before: Number(before?.before ?? 0),
      deleted: Number(before?.deleted ?? 0),
      after: Number(raw.after[index] ?? 0),
      touched: Object.fromEntries(Object.entries(before?.touched ?? {}).map(([k, v]) => [k, Number(v)])),
    };
  });
}

export function rowCountsCheck(plan: AnonymizePlan, counts: readonly TableCounts[]): CheckResult {
  const problems: string[] = [];
  plan.tables.forEach((tablePlan, index) => {
    const count = counts[index]!;
    const expected = count.before - count.deleted;
    if (count.after === expected) return;
    const label = tableLabel(tablePlan.table);
    const cascaded = tablePlan.action === 'columns' || tablePlan.action === 'keep';
    problems.push(
      `${label}: ${count.after} rows, expected ${expected} (${count.before} before, ${count.deleted} deleted by its rule)${
        cascaded && count.after < expected
          ? ': rows went with rows of another table (ON DELETE CASCADE); give this table a rule that says so (where_delete, delete)'
          : ''
      }`,
    );
  });
  return {
    name: 'row-counts',
    passed: problems.length === 0,
    summary:
      problems.length === 0
        ? `${plan.tables.length} tables as the rules say (${counts.reduce((sum, c) => sum + c.deleted, 0)} rows deleted)`
        : `${problems.length} table${problems.length === 1 ? '' : 's'} with unexpected row counts`,
    problems,
  };
}

export interface OriginalsStat {
  id: number;
  sampled: number;
  unchanged: number;
}

export function readOriginals(answer: unknown): OriginalsStat[] {
  return (answer as OriginalsStat[]).map((s) => ({
    id: Number(s.id),
    sampled: Number(s.sampled),
    unchanged: Number(s.unchanged),
  }));
}

/** A masked column still holding more than this share of its sampled originals did not get masked. */
const UNCHANGED_SHARE = 0.5;
const UNCHANGED_MIN_SAMPLE = 10;

export interface SurvivorHit {
  table: TableInfo;
  column: ColumnInfo;
  values: number;
  /** The masked columns whose originals these are. */
  sources: TracedColumn[];
}

export function originalsCheck(
  traced: readonly TracedColumn[],
  stats: readonly OriginalsStat[],
  hits: readonly SurvivorHit[],
): CheckResult {
  const problems: string[] = [];
  const label = (t: TracedColumn) => `${tableLabel(t.table)}.${t.column.name}`;
  for (const stat of stats) {
    const column = traced.find((t) => t.id === stat.id);
    if (column === undefined) continue;
    if (stat.sampled >= UNCHANGED_MIN_SAMPLE && stat.unchanged > stat.sampled * UNCHANGED_SHARE)
      problems.push(
        `${label(column)} still holds ${stat.unchanged} of ${stat.sampled} sampled original values`,
      );
  }
  for (const hit of hits)
    problems.push(
      `${tableLabel(hit.table)}.${hit.column.name} holds ${hit.values} original value${hit.values === 1 ? '' : 's'} of ${
        hit.sources.length > 0 ? hit.sources.map(label).join(', ') : 'masked columns'
      }: mask it too, or keep it with a reason if that is on purpose`,
    );
  const sampled = stats.reduce((sum, s) => sum + s.sampled, 0);
  return {
    name: 'originals-gone',
    passed: problems.length === 0,
    summary:
      problems.length === 0
        ? `none of ${sampled} sampled original values of ${traced.length} masked columns found in the output`
        : `${problems.length} column${problems.length === 1 ? '' : 's'} still hold original values`,
    problems,
  };
}

export type PatternCounts = Record<ContentKind, number> & { n: number };

/** The raw counts per target column, for the report. */
export function patternCountsOf(
  targets: readonly TableColumns[],
  answer: unknown,
): Map<ColumnInfo, PatternCounts> {
  const raw = answer as PatternCounts[][];
  const result = new Map<ColumnInfo, PatternCounts>();
  targets.forEach(({ columns }, t) =>
    columns.forEach((column, c) => {
      const counts = raw[t]?.[c];
      if (counts) result.set(column, counts);
    }),
  );
  return result;
}

export interface PatternHit {
  table: TableInfo;
  column: ColumnInfo;
  kind: ContentKind;
  matches: number;
  values: number;
}

export function readPatterns(targets: readonly TableColumns[], answer: unknown): PatternHit[] {
  const raw = answer as PatternCounts[][];
  const hits: PatternHit[] = [];
  targets.forEach(({ table, columns }, t) => {
    columns.forEach((column, c) => {
      const counts = raw[t]?.[c];
      if (!counts) return;
      for (const kind of CONTENT_KINDS) {
        const matches = Number(counts[kind]);
        if (looksPersonal(kind, matches, Number(counts.n)))
          hits.push({ table, column, kind, matches, values: Number(counts.n) });
      }
    });
  });
  return hits;
}

export function patternsCheck(targets: readonly TableColumns[], hits: readonly PatternHit[]): CheckResult {
  const scanned = targets.reduce((sum, t) => sum + t.columns.length, 0);
  const problems = hits.map(
    (hit) =>
      `${tableLabel(hit.table)}.${hit.column.name}: ${contentWords(hit.kind)} in ${hit.matches} of ${hit.values} values: mask it, or keep it with a reason if that is on purpose`,
  );
  return {
    name: 'patterns',
    passed: problems.length === 0,
    summary:
      problems.length === 0
        ? `no personal-looking content in ${scanned} kept or computed columns`
        : `${problems.length} column${problems.length === 1 ? '' : 's'} with personal-looking content`,
    problems,
  };
}

export function foreignKeysCheck(schema: DatabaseSchema, answer: unknown): CheckResult {
  const rows = answer as [boolean | null, number, number][];
  const problems: string[] = [];
  let counted = 0;
  schema.foreignKeys.forEach((fk, index) => {
    const [validated, disabled, orphans] = rows[index] ?? [null, 0, -1];
    const where = `${tableLabel(fk.table)}(${fk.columns.join(', ')}) -> ${tableLabel(fk.references)}(${fk.referencedColumns.join(', ')})`;
    if (Number(orphans) >= 0) counted += 1;
    if (validated === null) problems.push(`foreign key ${fk.name} (${where}) is gone`);
    else if (Number(disabled) > 0)
      problems.push(`foreign key ${fk.name} (${where}) has disabled triggers: it was not enforced`);
    else if (Number(orphans) > 0)
      problems.push(`foreign key ${fk.name}: ${orphans} rows of ${where} reference nothing`);
    else if (!validated && Number(orphans) < 0)
      problems.push(`foreign key ${fk.name} (${where}) is not validated`);
  });
  return {
    name: 'foreign-keys',
    passed: problems.length === 0,
    summary:
      problems.length === 0
        ? `${schema.foreignKeys.length} foreign keys hold (validated, enforced while masking${counted > 0 ? `; ${counted} NOT VALID in the dump checked row by row` : ''})`
        : `${problems.length} foreign key problem${problems.length === 1 ? '' : 's'}`,
    problems,
  };
}

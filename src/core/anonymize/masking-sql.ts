/**
 * The plan as SQL for the scratch database, set-based: per table one DELETE
 * (where_delete, delete) and one UPDATE of all its masked columns, truncates in
 * one statement. Before them, in the same transaction (so now() in a
 * where_delete is the same instant for the count and the delete), what the
 * checks need: row counts, and a sample of the original values of every masked
 * text column (core/anonymize/verification-sql.ts looks for them afterwards).
 * A table deleted whole is not counted beforehand (a full scan for nothing):
 * its DELETE's row count (psql's ROW_COUNT) is both its rows before and its
 * rows deleted; the check still counts what is left afterwards.
 * Nothing here runs anything; planLines says in words what the script does.
 */
import { describePlanRule, type AnonymizePlan, type ColumnPlan, type TablePlan } from './coverage.js';
import { fakeExpression, REDACTED_TEXT, type RowKey } from './fake-values.js';
import { tableLabel } from './rules.js';
import { WORK_SCHEMA, type ColumnInfo, type DatabaseSchema, type TableInfo } from './schema.js';
import { onlyTable, quoteIdent, quoteLiteral } from './sql-text.js';

/** Original values sampled per masked text column, at most. */
export const ORIGINALS_PER_COLUMN = 1000;
/** Pages a table sample aims at (TABLESAMPLE SYSTEM picks whole pages): thousands of rows of most tables. */
const SAMPLE_PAGES = 100;
/** Shorter originals are not looked for: "CA" or "Bob" also occur where nobody put them. */
const MIN_ORIGINAL_LENGTH = 4;
/** Free text (redact) is looked for from this length: short notes ("none", "n/a") are not anyone's. */
const MIN_REDACTED_LENGTH = 12;

export const work = (name: string) => `${quoteIdent(WORK_SCHEMA)}.${quoteIdent(name)}`;

export function rowKey(table: TableInfo): RowKey {
  const pk = table.primaryKey;
  if (pk.length === 1) {
    const column = table.columns.find((c) => c.name === pk[0]);
    const text = `${quoteIdent(pk[0]!)}::text`;
    return { text, token: column?.category === 'number' ? text : `left(md5(${text}), 16)` };
  }
  const text =
    pk.length > 1
      ? `concat_ws('|', ${pk.map((name) => `${quoteIdent(name)}::text`).join(', ')})`
      : 'ctid::text';
  return { text, token: `left(md5(${text}), 16)` };
}

/**
 * A SYSTEM sample percentage of about SAMPLE_PAGES pages, from the table's
 * size (no ANALYZE needed after the restore: the article's script has none).
 */
export function samplePercent(pages: number): number {
  if (pages <= SAMPLE_PAGES) return 100;
  return Math.max(0.0001, Number(((100 * SAMPLE_PAGES) / pages).toPrecision(3)));
}

function bounded(expression: string, column: ColumnInfo): string {
  return column.maxLength === undefined ? expression : `left(${expression}, ${column.maxLength})`;
}

/** NULL stays NULL: a fake is only made where there was a value. */
function keepingNull(expression: string, column: ColumnInfo): string {
  return column.nullable
    ? `CASE WHEN ${quoteIdent(column.name)} IS NULL THEN NULL ELSE ${expression} END`
    : expression;
}

/** The new value of a masked column, or undefined when it is not written (keep, generated). */
export function maskExpression(plan: ColumnPlan, table: TableInfo, salt: string): string | undefined {
  const { column, rule } = plan;
  const key = rowKey(table);
  const name = quoteIdent(column.name);
  switch (rule.kind) {
    case 'keep':
    case 'generated':
      return undefined;
    case 'null':
      return 'NULL';
    case 'value':
      return `(${rule.sql})`;
    case 'redact':
      return column.category === 'text'
        ? keepingNull(bounded(quoteLiteral(REDACTED_TEXT), column), column)
        : keepingNull(`'{}'`, column);
    case 'fake':
      return keepingNull(bounded(fakeExpression(rule.fake, key, column.name, column.unique), column), column);
    case 'hash':
      // Strict functions: NULL in, NULL out.
      return column.category === 'uuid'
        ? `md5(${quoteLiteral(salt)} || ${name}::text)::uuid`
        : `left(encode(sha256(convert_to(${quoteLiteral(salt)} || ${name}::text, 'UTF8')), 'hex'), ${Math.min(32, column.maxLength ?? 32)})`;
    case 'shift_date': {
      const offset = `(hashtext(${quoteLiteral(salt)} || ${key.text}) % ${rule.days + 1})`;
      return column.category === 'date' ? `${name} + ${offset}` : `${name} + ${offset} * interval '1 day'`;
    }
  }
}

/** Masked columns whose originals are looked for afterwards: text written by a rule. */
export interface TracedColumn {
  id: number;
  table: TableInfo;
  column: ColumnInfo;
  rule: ColumnPlan['rule'];
}

export function tracedColumns(plan: AnonymizePlan): TracedColumn[] {
  const traced: TracedColumn[] = [];
  for (const tablePlan of plan.tables) {
    if (tablePlan.action !== 'columns') continue;
    for (const columnPlan of tablePlan.columns)
      if (
        columnPlan.column.category === 'text' &&
        columnPlan.rule.kind !== 'keep' &&
        columnPlan.rule.kind !== 'generated'
      )
        traced.push({
          id: traced.length,
          table: tablePlan.table,
          column: columnPlan.column,
          rule: columnPlan.rule,
        });
  }
  return traced;
}

/** Tables in an order where a table comes before the tables it references (children first). */
export function childrenFirst(tables: readonly TablePlan[], schema: DatabaseSchema): TablePlan[] {
  const label = (t: { schema: string; name: string }) => `${t.schema}\u0000${t.name}`;
  const placed = new Set<string>();
  const ordered: TablePlan[] = [];
  const visiting = new Set<string>();
  const visit = (plan: TablePlan) => {
    const id = label(plan.table);
    if (placed.has(id) || visiting.has(id)) return;
    visiting.add(id);
    // Children (tables referencing this one) first.
    for (const fk of schema.foreignKeys)
      if (label(fk.references) === id) {
        const child = tables.find((t) => label(t.table) === label(fk.table));
        if (child) visit(child);
      }
    visiting.delete(id);
    placed.add(id);
    ordered.push(plan);
  };
  for (const plan of tables) visit(plan);
  return ordered;
}

function countStatement(tablePlan: TablePlan, index: number): string {
  const deleted =
    tablePlan.action === 'delete' || tablePlan.action === 'truncate'
      ? 'count(*)'
      : tablePlan.whereDelete === undefined
        ? '0'
        : `count(*) FILTER (WHERE (${tablePlan.whereDelete}) IS TRUE)`;
  const remaining =
    tablePlan.whereDelete === undefined ? '' : ` FILTER (WHERE (${tablePlan.whereDelete}) IS NOT TRUE)`;
  const touched = tablePlan.columns
    .filter((c) => c.rule.kind !== 'keep' && c.rule.kind !== 'generated')
    .map((c) => `${quoteLiteral(c.column.name)}, count(${quoteIdent(c.column.name)})${remaining}`);
  const touchedJson = touched.length === 0 ? `'{}'::jsonb` : `jsonb_build_object(${touched.join(', ')})`;
  return `INSERT INTO ${work('counts')} SELECT ${index}, count(*), ${deleted}, ${touchedJson} FROM ${onlyTable(tablePlan.table)};`;
}

function originalsStatement(traced: TracedColumn): string {
  const name = quoteIdent(traced.column.name);
  const minLength = traced.rule.kind === 'redact' ? MIN_REDACTED_LENGTH : MIN_ORIGINAL_LENGTH;
  const percent = samplePercent(traced.table.pages);
  const sample = percent >= 100 ? '' : ` TABLESAMPLE SYSTEM (${percent}) REPEATABLE (7)`;
  // With the row's key, to tell afterwards whether that very row still holds it.
  return (
    `INSERT INTO ${work('originals')} SELECT DISTINCT ON (v) ${traced.id}, v, k FROM (SELECT ${name}::text AS v, ${rowKey(traced.table).text} AS k FROM ${onlyTable(traced.table)}${sample}` +
    ` WHERE ${name} IS NOT NULL AND length(${name}::text) >= ${minLength} LIMIT ${ORIGINALS_PER_COLUMN}) s;`
  );
}

function updateStatement(tablePlan: TablePlan, salt: string): string | undefined {
  const assignments = tablePlan.columns.flatMap((columnPlan) => {
    const expression = maskExpression(columnPlan, tablePlan.table, salt);
    return expression === undefined ? [] : [`${quoteIdent(columnPlan.column.name)} = ${expression}`];
  });
  if (assignments.length === 0) return undefined;
  return `UPDATE ${onlyTable(tablePlan.table)} SET\n  ${assignments.join(',\n  ')};`;
}

export interface MaskingScript {
  /** The script, run with psql (ON_ERROR_STOP): prepare, count, sample, mask, commit. */
  sql: string;
  traced: TracedColumn[];
}

/**
 * The masking script. `salt` keys hash and shift_date (secret: a hash of a
 * known value with a known salt gives the value away).
 */
export function maskingScript(plan: AnonymizePlan, schema: DatabaseSchema, salt: string): MaskingScript {
  const traced = tracedColumns(plan);
  const lines = [
    'SET standard_conforming_strings = on;',
    'SET client_min_messages = warning;',
    'BEGIN;',
    `DROP SCHEMA IF EXISTS ${quoteIdent(WORK_SCHEMA)} CASCADE;`,
    `CREATE SCHEMA ${quoteIdent(WORK_SCHEMA)};`,
    `CREATE TABLE ${work('counts')} (tbl int PRIMARY KEY, before bigint NOT NULL, deleted bigint NOT NULL, touched jsonb NOT NULL);`,
    `CREATE TABLE ${work('originals')} (source int NOT NULL, value text NOT NULL, key text NOT NULL);`,
  ];
  plan.tables.forEach((tablePlan, index) => {
    if (tablePlan.action !== 'delete') lines.push(countStatement(tablePlan, index));
  });
  for (const column of traced) lines.push(originalsStatement(column));
  lines.push(`CREATE INDEX ON ${work('originals')} (value);`, `ANALYZE ${work('originals')};`);
  // The application's triggers stay quiet while rows are masked (an audit trigger would copy the
  // originals elsewhere, an updated_at trigger would touch every row); foreign keys are not the
  // application's triggers: they stay enforced.
  const changed = plan.tables.filter((t) => t.action !== 'keep' && t.table.triggers.length > 0);
  for (const tablePlan of changed)
    for (const trigger of tablePlan.table.triggers)
      lines.push(`ALTER TABLE ${onlyTable(tablePlan.table)} DISABLE TRIGGER ${quoteIdent(trigger.name)};`);
  // Rows go first (children before the tables they reference), so updates touch only what stays.
  for (const tablePlan of childrenFirst(plan.tables, schema)) {
    if (tablePlan.action === 'delete')
      lines.push(
        `DELETE FROM ${onlyTable(tablePlan.table)};`,
        `INSERT INTO ${work('counts')} VALUES (${plan.tables.indexOf(tablePlan)}, :ROW_COUNT, :ROW_COUNT, '{}'::jsonb);`,
      );
    else if (tablePlan.whereDelete !== undefined)
      lines.push(`DELETE FROM ${onlyTable(tablePlan.table)} WHERE (${tablePlan.whereDelete});`);
  }
  const truncated = plan.tables.filter((t) => t.action === 'truncate').map((t) => onlyTable(t.table));
  if (truncated.length > 0) lines.push(`TRUNCATE ${truncated.join(', ')};`);
  for (const tablePlan of plan.tables) {
    if (tablePlan.action !== 'columns') continue;
    const update = updateStatement(tablePlan, salt);
    if (update !== undefined) lines.push(update);
  }
  const modes = { O: 'ENABLE', A: 'ENABLE ALWAYS', R: 'ENABLE REPLICA' } as const;
  for (const tablePlan of changed)
    for (const trigger of tablePlan.table.triggers)
      lines.push(
        `ALTER TABLE ${onlyTable(tablePlan.table)} ${modes[trigger.enabled]} TRIGGER ${quoteIdent(trigger.name)};`,
      );
  lines.push('COMMIT;');
  return { sql: `${lines.join('\n')}\n`, traced };
}

/** The plan in words, one line per table: what the script does. */
export function planLines(plan: AnonymizePlan): string[] {
  return plan.tables.map((tablePlan) => {
    const label = tableLabel(tablePlan.table);
    switch (tablePlan.action) {
      case 'keep':
        return `${label}: keep${tablePlan.kept?.reason ? ` (${tablePlan.kept.reason})` : ''}`;
      case 'delete':
        return `${label}: delete all rows`;
      case 'truncate':
        return `${label}: truncate`;
      case 'columns': {
        const masked = tablePlan.columns.filter((c) => c.rule.kind !== 'keep' && c.rule.kind !== 'generated');
        const kept = tablePlan.columns.length - masked.length;
        const parts = [
          ...(tablePlan.whereDelete === undefined ? [] : [`delete where ${tablePlan.whereDelete}`]),
          masked.length === 0
            ? 'no column masked'
            : `mask ${masked.map((c) => `${c.column.name} (${describePlanRule(c)})`).join(', ')}`,
          ...(kept > 0 ? [`keep ${kept} column${kept === 1 ? '' : 's'}`] : []),
        ];
        return `${label}: ${parts.join('; ')}`;
      }
    }
  });
}

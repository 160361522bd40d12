/**
 * Rules against the dump's schema, failing closed: every table must have a
 * rule or be kept, every column of a table whose rows stay must have a column
 * rule (or be generated from others), and every rule must fit its column. The
 * result is the plan the masking SQL is built from (core/anonymize/masking-sql.ts).
 *
 * What does not fit is reported all at once: rules that name what the dump
 * does not have or that cannot apply (ANONYMIZE_RULES_INVALID, with their
 * lines), then columns without a rule (ANONYMIZE_UNCOVERED, with a snippet of
 * rules ready to paste), personal-looking ones first.
 */
import { formatProblem } from '../compose/located-error.js';
import { DevenvError } from '../errors.js';
import { describeFinding, personalByName, type ContentFinding, type PersonalKind } from './personal-data.js';
import {
  describeColumnRule,
  sameTable,
  tableLabel,
  type AnonymizeRules,
  type ColumnRule,
  type ColumnRuleEntry,
  type KeptTable,
  type TableRules,
} from './rules.js';
import { findTable, type ColumnInfo, type DatabaseSchema, type TableInfo } from './schema.js';

export interface ColumnPlan {
  column: ColumnInfo;
  /** `generated`: computed from the other columns, never written. */
  rule: ColumnRule | { kind: 'generated' };
  entry?: ColumnRuleEntry;
}

export interface TablePlan {
  table: TableInfo;
  action: 'delete' | 'truncate' | 'columns' | 'keep';
  whereDelete?: string;
  /** For `columns` and `keep`: every column of the table. */
  columns: ColumnPlan[];
  rules?: TableRules;
  kept?: KeptTable;
}

export interface AnonymizePlan {
  tables: TablePlan[];
}

export interface UncoveredColumn {
  table: TableInfo;
  column: ColumnInfo;
  /** The table has no rule at all. */
  tableUncovered: boolean;
  /** Why it looks personal, when it does (its name, its content). */
  reasons: string[];
  suggestion: string;
}

interface RuleProblem {
  line?: number;
  path: string;
  what: string;
}

/** Which column categories each rule applies to. */
function ruleFits(rule: ColumnRule, column: ColumnInfo): string | undefined {
  const category = column.category;
  switch (rule.kind) {
    case 'keep':
    case 'value':
      return undefined;
    case 'null':
      return column.nullable
        ? undefined
        : `is NOT NULL, so it cannot be set to null: use redact, a fake, or {value: SQL}`;
    case 'redact':
      return category === 'text' || category === 'json' || category === 'array'
        ? undefined
        : `is ${column.type}: redact replaces text, JSON or arrays; use null or {value: SQL}`;
    case 'fake':
      return category === 'text'
        ? undefined
        : `is ${column.type}: the ${rule.fake} fake is text; use null or {value: SQL}`;
    case 'hash':
      return category === 'text' || category === 'uuid'
        ? undefined
        : `is ${column.type}: hash works on text and uuid columns; use null or {value: SQL}`;
    case 'shift_date':
      return category === 'date' || category === 'timestamp'
        ? undefined
        : `is ${column.type}: shift_date moves dates and timestamps`;
  }
}

/** SQL words that stand alone as a value. */
const SQL_VALUE_WORDS = new Set([
  'null',
  'true',
  'false',
  'default',
  'current_date',
  'current_time',
  'current_timestamp',
  'localtime',
  'localtimestamp',
  'current_user',
  'session_user',
  'user',
]);

/**
 * `{value: TS}` is SQL: a bare word is a column (or a keyword), so `TS` where
 * the table has no such column is most likely meant as the text 'TS'.
 */
function bareWordProblem(sql: string, table: TableInfo): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(sql)) return undefined;
  const folded = sql.toLowerCase();
  if (SQL_VALUE_WORDS.has(folded) || table.columns.some((c) => c.name === folded)) return undefined;
  return `value is SQL, and ${sql} names no column of ${tableLabel(table)}: for the text ${sql} write "'${sql}'"`;
}

function columnsFor(table: TableInfo, rules: TableRules, problems: RuleProblem[]): ColumnPlan[] {
  const plans: ColumnPlan[] = [];
  for (const entry of rules.columns) {
    const column = table.columns.find((c) => c.name === entry.column);
    const at = { line: entry.line, path: entry.path };
    if (column === undefined) {
      problems.push({
        ...at,
        what: `table ${tableLabel(table)} has no column ${JSON.stringify(entry.column)} (its columns: ${table.columns.map((c) => c.name).join(', ')})`,
      });
      continue;
    }
    if (column.generated && entry.rule.kind !== 'keep') {
      problems.push({
        ...at,
        what: `is a generated column (computed from the others): mask the columns it is computed from, and leave it out or keep it`,
      });
      continue;
    }
    const bareWord = entry.rule.kind === 'value' ? bareWordProblem(entry.rule.sql, table) : undefined;
    if (bareWord !== undefined) {
      problems.push({ ...at, what: bareWord });
      continue;
    }
    const misfit = ruleFits(entry.rule, column);
    if (misfit !== undefined) {
      problems.push({ ...at, what: `${tableLabel(table)}.${column.name} ${misfit}` });
      continue;
    }
    plans.push({ column, rule: entry.rule, entry });
  }
  for (const column of table.columns)
    if (column.generated && !plans.some((plan) => plan.column.name === column.name))
      plans.push({ column, rule: { kind: 'generated' } });
  return plans.sort((a, b) => table.columns.indexOf(a.column) - table.columns.indexOf(b.column));
}

function problemsError(rules: AnonymizeRules, problems: RuleProblem[]): DevenvError {
  const lines = problems.map((problem) =>
    formatProblem({ file: rules.file, line: problem.line, path: problem.path }, problem.what),
  );
  const first = problems[0]!;
  return new DevenvError(
    'ANONYMIZE_RULES_INVALID',
    problems.length === 1
      ? lines[0]!
      : `${problems.length} rules of ${rules.file} do not fit the dump: ${lines[0]}`,
    {
      location: {
        file: rules.file,
        ...(first.line === undefined ? {} : { line: first.line }),
        path: first.path,
      },
      hint: `fix ${rules.file} at those lines: table and column names must be the dump's (they are always quoted)`,
      details: problems.length === 1 ? [] : lines,
    },
  );
}

/**
 * The plan: for each table of the schema, what happens to it and to each of
 * its columns. Rules that do not fit throw ANONYMIZE_RULES_INVALID; columns
 * without a rule are returned (see uncoveredError), not thrown, so the caller
 * can add what the content says about them first.
 */
export function planAnonymization(
  rules: AnonymizeRules,
  schema: DatabaseSchema,
): { plan: AnonymizePlan; uncovered: UncoveredColumn[] } {
  const problems: RuleProblem[] = [];
  const known = (name: { schema: string; name: string }, line: number | undefined, path: string) => {
    if (findTable(schema, name) !== undefined) return true;
    const tables = schema.tables.map(tableLabel);
    problems.push({
      line,
      path,
      what: `the dump has no table ${JSON.stringify(tableLabel(name))}${tables.length > 0 ? ` (its tables: ${tables.join(', ')})` : ''}`,
    });
    return false;
  };
  for (const table of rules.tables) known(table.table, table.line, table.path);
  for (const kept of rules.keep) known(kept.table, kept.line, kept.path);

  const plans: TablePlan[] = [];
  const uncovered: UncoveredColumn[] = [];
  for (const table of schema.tables) {
    const tableRules = rules.tables.find((rule) => sameTable(rule.table, table));
    const kept = rules.keep.find((k) => sameTable(k.table, table));
    if (kept !== undefined) {
      const columns = table.columns.map((column) => ({ column, rule: { kind: 'keep' as const } }));
      plans.push({ table, action: 'keep', columns, kept });
      continue;
    }
    if (tableRules === undefined) {
      for (const column of table.columns.filter((c) => !c.generated))
        uncovered.push(uncoveredColumn(table, column, true));
      continue;
    }
    if (tableRules.action !== 'columns') {
      plans.push({ table, action: tableRules.action, columns: [], rules: tableRules });
      continue;
    }
    const columns = columnsFor(table, tableRules, problems);
    const plan: TablePlan = { table, action: 'columns', columns, rules: tableRules };
    if (tableRules.whereDelete !== undefined) plan.whereDelete = tableRules.whereDelete;
    plans.push(plan);
    for (const column of table.columns)
      if (!column.generated && !tableRules.columns.some((entry) => entry.column === column.name))
        uncovered.push(uncoveredColumn(table, column, false));
  }
  if (problems.length > 0) throw problemsError(rules, problems);
  return { plan: { tables: plans }, uncovered };
}

function uncoveredColumn(table: TableInfo, column: ColumnInfo, tableUncovered: boolean): UncoveredColumn {
  const byName = personalByName(column.name, table.name);
  return {
    table,
    column,
    tableUncovered,
    reasons: byName ? [byName.reason] : [],
    suggestion: suggestRule(column, byName?.kind),
  };
}

/** Adds what sampling the content found to the uncovered columns. */
export function withContentFindings(
  uncovered: readonly UncoveredColumn[],
  findings: (table: TableInfo, column: string) => readonly ContentFinding[],
): UncoveredColumn[] {
  return uncovered.map((entry) => {
    const found = findings(entry.table, entry.column.name);
    if (found.length === 0) return entry;
    const byName = personalByName(entry.column.name, entry.table.name);
    return {
      ...entry,
      reasons: [...entry.reasons, ...found.map(describeFinding)],
      // Content alone says "personal", not what it is: free text is redacted whole.
      suggestion: byName ? entry.suggestion : suggestRule(entry.column, 'content'),
    };
  });
}

/** A rule to start from, written as in the rules file. */
export function suggestRule(column: ColumnInfo, kind: PersonalKind | 'content' | undefined): string {
  const category = column.category;
  const erase = column.nullable ? '"null"' : category === 'text' || category === 'json' ? 'redact' : 'keep';
  switch (kind) {
    case undefined:
      return 'keep';
    case 'email':
    case 'phone':
    case 'first_name':
    case 'last_name':
    case 'name':
    case 'address':
    case 'city':
      return category === 'text' ? kind : erase;
    case 'birth_date':
      return category === 'date' || category === 'timestamp' ? '{ shift_date: 30 }' : erase;
    case 'content':
      return category === 'text' || category === 'json' ? 'redact' : erase;
    default:
      return erase;
  }
}

/** Columns kept (plainly, without a reason) whose sampled content looks personal. */
export interface KeptPersonal {
  table: TableInfo;
  column: ColumnInfo;
  findings: ContentFinding[];
  /** Where the keep is written. */
  line?: number;
  path: string;
  viaTable: boolean;
}

export function keptButPersonal(
  plan: AnonymizePlan,
  findings: (table: TableInfo, column: string) => readonly ContentFinding[],
): KeptPersonal[] {
  const result: KeptPersonal[] = [];
  for (const tablePlan of plan.tables) {
    if (tablePlan.action === 'keep' && tablePlan.kept?.reason !== undefined) continue;
    for (const columnPlan of tablePlan.columns) {
      const keepsPlainly =
        tablePlan.action === 'keep' ||
        (columnPlan.rule.kind === 'keep' && columnPlan.rule.reason === undefined);
      if (!keepsPlainly) continue;
      const found = findings(tablePlan.table, columnPlan.column.name);
      if (found.length === 0) continue;
      const where = tablePlan.action === 'keep' ? tablePlan.kept : columnPlan.entry;
      const entry: KeptPersonal = {
        table: tablePlan.table,
        column: columnPlan.column,
        findings: [...found],
        path: where?.path ?? '',
        viaTable: tablePlan.action === 'keep',
      };
      if (where?.line !== undefined) entry.line = where.line;
      result.push(entry);
    }
  }
  return result;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const yamlKey = (key: string) => (PLAIN_KEY.test(key) ? key : JSON.stringify(key));

/** Rules for the uncovered columns, as YAML to paste under the rules file's `tables:`. */
export function rulesSnippet(uncovered: readonly UncoveredColumn[]): string[] {
  const lines = ['tables:'];
  const byTable = new Map<TableInfo, UncoveredColumn[]>();
  for (const entry of uncovered) byTable.set(entry.table, [...(byTable.get(entry.table) ?? []), entry]);
  for (const [table, entries] of byTable) {
    const note = entries[0]?.tableUncovered
      ? '  # not in the rules: or `delete`, `truncate`, or under keep:'
      : '';
    lines.push(`  ${yamlKey(tableLabel(table))}:${note}`, '    columns:');
    for (const entry of entries) {
      const comment = entry.reasons.length > 0 ? `  # looks personal: ${entry.reasons.join('; ')}` : '';
      lines.push(`      ${yamlKey(entry.column.name)}: ${entry.suggestion}${comment}`);
    }
  }
  return lines;
}

/** ANONYMIZE_UNCOVERED for columns without a rule, all of them, with the rules to paste. */
export function uncoveredError(rules: AnonymizeRules, uncovered: readonly UncoveredColumn[]): DevenvError {
  const ordered = [...uncovered].sort((a, b) => Number(b.reasons.length > 0) - Number(a.reasons.length > 0));
  const named = (entry: UncoveredColumn) =>
    `${tableLabel(entry.table)}.${entry.column.name}${entry.reasons.length > 0 ? ` (looks personal: ${entry.reasons.join('; ')})` : ''}`;
  const personal = ordered.filter((entry) => entry.reasons.length > 0);
  const tables = [...new Set(ordered.filter((e) => e.tableUncovered).map((e) => tableLabel(e.table)))];
  const summary = [
    `${ordered.length} column${ordered.length === 1 ? '' : 's'} of the dump ${ordered.length === 1 ? 'has' : 'have'} no rule in ${rules.file}`,
    personal.length > 0 ? `, ${personal.length} looking personal` : '',
    tables.length > 0 ? `; tables without any rule: ${tables.join(', ')}` : '',
  ].join('');
  return new DevenvError('ANONYMIZE_UNCOVERED', `${summary}. Nothing was written (fail closed).`, {
    hint: `add rules for them to ${rules.file} (the suggestions below are a start: review each), or keep a table whole under keep:`,
    details: [
      ...ordered.map((entry) => `  ${named(entry)}`),
      '',
      `Rules to paste into ${rules.file} (merge with the tables already there):`,
      ...rulesSnippet(ordered),
    ],
  });
}

/** ANONYMIZE_UNCOVERED for kept columns whose content looks personal. */
export function keptPersonalError(rules: AnonymizeRules, kept: readonly KeptPersonal[]): DevenvError {
  const lines = kept.map((entry) =>
    formatProblem(
      { file: rules.file, line: entry.line, path: entry.path },
      `${tableLabel(entry.table)}.${entry.column.name} is kept but looks personal: ${entry.findings.map(describeFinding).join('; ')}`,
    ),
  );
  const first = kept[0]!;
  return new DevenvError(
    'ANONYMIZE_UNCOVERED',
    kept.length === 1 ? lines[0]! : `${kept.length} kept columns look personal: ${lines[0]}`,
    {
      location: {
        file: rules.file,
        ...(first.line === undefined ? {} : { line: first.line }),
        path: first.path,
      },
      hint: 'mask them (redact, null, a fake), or keep them on purpose with a reason: `COLUMN: { keep: "why" }` (a table: `keep: [{TABLE: "why"}]`). Nothing was written.',
      details: kept.length === 1 ? [] : lines,
    },
  );
}

/** The rule as the report shows it. */
export function describePlanRule(plan: ColumnPlan): string {
  return plan.rule.kind === 'generated' ? 'generated' : describeColumnRule(plan.rule);
}

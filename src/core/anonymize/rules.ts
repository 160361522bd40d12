/**
 * The anonymization rules (`devenv db anonymize --rules anonymize.yaml`), as
 * parsed: what happens to every table and column of the dump. Every rule keeps
 * the line that wrote it, so a rule that does not fit the schema is reported
 * at its place in the file.
 */

/** A table as rules name it: `users` (schema public) or `audit.logs`. */
export interface TableName {
  schema: string;
  name: string;
}

/** The realistic fakes devenv generates in SQL, deterministic per row. */
export const FAKE_KINDS = ['email', 'phone', 'first_name', 'last_name', 'name', 'address', 'city'] as const;
export type FakeKind = (typeof FAKE_KINDS)[number];

export type ColumnRule =
  /** Passed through; `reason` keeps a column whose content looks personal on purpose. */
  | { kind: 'keep'; reason?: string }
  | { kind: 'null' }
  /** Free text replaced whole. */
  | { kind: 'redact' }
  | { kind: 'fake'; fake: FakeKind }
  /** Salted SHA-256: the same value gives the same hash in every column, so joins still match. */
  | { kind: 'hash' }
  /** Moved by a per-row offset of at most `days` days, either way (the same offset for every such column of a row). */
  | { kind: 'shift_date'; days: number }
  /** SQL evaluated for each row (trusted: the rules file is code). */
  | { kind: 'value'; sql: string };

export interface ColumnRuleEntry {
  column: string;
  rule: ColumnRule;
  /** Where the rule is written. */
  line?: number;
  path: string;
}

export interface TableRules {
  table: TableName;
  /** The key as written under `tables:`. */
  key: string;
  line?: number;
  path: string;
  /** `delete` (all rows, FK actions fire), `truncate`, or rows kept and their columns masked. */
  action: 'delete' | 'truncate' | 'columns';
  /** SQL condition of the rows deleted first (trusted, as `value`). */
  whereDelete?: string;
  columns: ColumnRuleEntry[];
}

/** A table passed through on purpose (top-level `keep:`). */
export interface KeptTable {
  table: TableName;
  key: string;
  /** Given as `{table: reason}`: kept even though its content looks personal. */
  reason?: string;
  line?: number;
  path: string;
}

export interface AnonymizeRules {
  /** The rules file as named in messages. */
  file: string;
  tables: TableRules[];
  keep: KeptTable[];
}

/** "users" for public tables, "audit.logs" otherwise. */
export function tableLabel(table: TableName): string {
  return table.schema === 'public' ? table.name : `${table.schema}.${table.name}`;
}

export function sameTable(a: TableName, b: TableName): boolean {
  return a.schema === b.schema && a.name === b.name;
}

/** How a column rule is written in the rules file (and in the report). */
export function describeColumnRule(rule: ColumnRule): string {
  switch (rule.kind) {
    case 'keep':
      return rule.reason === undefined ? 'keep' : `keep (${rule.reason})`;
    case 'null':
      return 'null';
    case 'redact':
      return 'redact';
    case 'fake':
      return rule.fake;
    case 'hash':
      return 'hash';
    case 'shift_date':
      return `shift_date ${rule.days}`;
    case 'value':
      return `value ${rule.sql}`;
  }
}

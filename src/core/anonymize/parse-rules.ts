/**
 * anonymize.yaml text -> AnonymizeRules. YAML is read as devenv.yaml is
 * (positions, alias limits, duplicate keys refused); every problem names the
 * place: "anonymize.yaml:7 tables.users.columns.email: unknown rule "emial"".
 *
 * The rules file is trusted code: `{value: SQL}` and `where_delete` are SQL
 * run as written. Table and column names are not: they are always quoted, must
 * look like names a dump can hold, and are checked against the dump's schema
 * before anything runs (core/anonymize/coverage.ts).
 */
import { formatKeyPath, type KeyPath } from '../compose/key-path.js';
import { locatedError } from '../compose/located-error.js';
import { lineOf, parseSourceDocument, type SourceDocument } from '../compose/source-document.js';
import { DevenvError, isDevenvError } from '../errors.js';
import {
  FAKE_KINDS,
  sameTable,
  type AnonymizeRules,
  type ColumnRule,
  type ColumnRuleEntry,
  type FakeKind,
  type KeptTable,
  type TableName,
  type TableRules,
} from './rules.js';

const TOP_LEVEL_KEYS = ['tables', 'keep'];
const TABLE_KEYS = ['columns', 'where_delete'];
const TABLE_ACTIONS = ['delete', 'truncate'];
const SIMPLE_COLUMN_RULES = ['keep', 'null', 'redact', 'hash', ...FAKE_KINDS];
const MAPPING_COLUMN_RULES = ['keep', 'value', 'shift_date'];
/** Postgres truncates longer identifiers (NAMEDATALEN - 1 bytes): such a name cannot be in a dump. */
const MAX_IDENTIFIER_BYTES = 63;
/** The largest shift_date, in days (about 27 years). */
const MAX_SHIFT_DAYS = 10_000;

type Mapping = Record<string, unknown>;

class RulesReader {
  constructor(private readonly doc: SourceDocument) {}

  line(path: KeyPath): number | undefined {
    return lineOf(this.doc, path);
  }

  fail(path: KeyPath, what: string, hint?: string): DevenvError {
    return locatedError(
      'ANONYMIZE_RULES_INVALID',
      { file: this.doc.file, line: lineOf(this.doc, path), path: formatKeyPath(path) },
      what,
      {
        hint:
          hint ?? `fix ${this.doc.file} at that line (the rules are described in README.md, db anonymize)`,
      },
    );
  }

  mapping(value: unknown, path: KeyPath, what: string): Mapping {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw this.fail(path, `must be a mapping (${what})`);
    return value as Mapping;
  }

  /** Keys of a mapping without x- extensions. */
  entries(value: Mapping): [string, unknown][] {
    return Object.entries(value).filter(([key]) => !key.startsWith('x-'));
  }

  known(value: Mapping, path: KeyPath, known: readonly string[]): void {
    for (const [key] of this.entries(value))
      if (!known.includes(key))
        throw this.fail([...path, key], `unknown key "${key}" (expected one of: ${known.join(', ')})`);
  }
}

/**
 * Whether a name could be a Postgres identifier of a dump: not empty, at most
 * 63 bytes, no control characters, no double quote or semicolon (legal when
 * quoted, but never in a real schema: a name holding them is an attempt to
 * break out of the quotes).
 */
export function identifierProblem(name: string): string | undefined {
  if (name.trim() === '') return 'is empty';
  if (new TextEncoder().encode(name).length > MAX_IDENTIFIER_BYTES)
    return `is longer than ${MAX_IDENTIFIER_BYTES} bytes, which no Postgres name can be`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character';
  if (/["';\\]/.test(name))
    return 'contains a quote, a backslash or a semicolon, which no table or column of a dump should';
  return undefined;
}

/** `users` -> public.users; `audit.logs` -> audit.logs. */
function tableName(reader: RulesReader, key: string, path: KeyPath): TableName {
  const parts = key.split('.');
  if (parts.length > 2) throw reader.fail(path, `"${key}" is not a table name: write TABLE or SCHEMA.TABLE`);
  for (const part of parts) {
    const problem = identifierProblem(part);
    if (problem !== undefined) throw reader.fail(path, `table name ${JSON.stringify(key)} ${problem}`);
  }
  return parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { schema: 'public', name: key };
}

/** Some SQL of the rules (trusted code), as one expression: no statement separator outside string literals. */
function sqlExpression(reader: RulesReader, value: unknown, path: KeyPath, what: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw reader.fail(path, `must be ${what} (a non-empty string of SQL)`);
  const outsideLiterals = value.replace(/'(?:[^']|'')*'/g, "''");
  if (outsideLiterals.includes(';'))
    throw reader.fail(
      path,
      'must be one SQL expression: a semicolon would end the statement devenv builds around it',
    );
  if (/--|\/\*/.test(outsideLiterals))
    throw reader.fail(path, 'must be one SQL expression without comments (-- or /*)');
  return value.trim();
}

function columnRule(reader: RulesReader, value: unknown, path: KeyPath): ColumnRule {
  const expected = `one of ${SIMPLE_COLUMN_RULES.join(', ')}, or {value: SQL}, {shift_date: DAYS}, {keep: REASON}`;
  if (value === null || value === undefined)
    throw reader.fail(
      path,
      `has no rule (an empty value; to set the column to NULL write "null" in quotes)`,
      `give it a rule: ${expected}`,
    );
  if (typeof value === 'string') {
    if (value === 'keep') return { kind: 'keep' };
    if (value === 'null') return { kind: 'null' };
    if (value === 'redact') return { kind: 'redact' };
    if (value === 'hash') return { kind: 'hash' };
    if ((FAKE_KINDS as readonly string[]).includes(value)) return { kind: 'fake', fake: value as FakeKind };
    throw reader.fail(path, `unknown rule ${JSON.stringify(value)} (expected ${expected})`);
  }
  if (typeof value !== 'object' || Array.isArray(value))
    throw reader.fail(path, `unknown rule ${JSON.stringify(value)} (expected ${expected})`);
  const entries = reader.entries(value as Mapping);
  if (entries.length !== 1)
    throw reader.fail(path, `a rule given as a mapping has exactly one key: value, shift_date or keep`);
  const [key, argument] = entries[0]!;
  const at = [...path, key];
  if (!MAPPING_COLUMN_RULES.includes(key))
    throw reader.fail(at, `unknown rule "${key}" (expected ${expected})`);
  if (key === 'value')
    return { kind: 'value', sql: sqlExpression(reader, argument, at, 'an SQL expression') };
  if (key === 'shift_date') {
    if (
      typeof argument !== 'number' ||
      !Number.isInteger(argument) ||
      argument < 1 ||
      argument > MAX_SHIFT_DAYS
    )
      throw reader.fail(at, `must be a whole number of days from 1 to ${MAX_SHIFT_DAYS}`);
    return { kind: 'shift_date', days: argument };
  }
  if (typeof argument !== 'string' || argument.trim() === '')
    throw reader.fail(at, 'must say why the column is kept (a non-empty string)');
  return { kind: 'keep', reason: argument.trim() };
}

function tableRules(reader: RulesReader, key: string, value: unknown, path: KeyPath): TableRules {
  const table = tableName(reader, key, path);
  const base = { table, key, path: formatKeyPath(path), line: reader.line(path) };
  if (typeof value === 'string') {
    if (!TABLE_ACTIONS.includes(value))
      throw reader.fail(
        path,
        `unknown table rule ${JSON.stringify(value)} (expected delete, truncate, or a mapping with columns: and/or where_delete:)`,
      );
    return { ...base, action: value as 'delete' | 'truncate', columns: [] };
  }
  if (value === null || value === undefined)
    throw reader.fail(
      path,
      'has no rule (expected delete, truncate, or a mapping with columns: and/or where_delete:)',
    );
  const entry = reader.mapping(value, path, 'columns: and/or where_delete:, or the word delete or truncate');
  reader.known(entry, path, TABLE_KEYS);
  const rules: TableRules = { ...base, action: 'columns', columns: [] };
  if (entry['where_delete'] !== undefined)
    rules.whereDelete = sqlExpression(
      reader,
      entry['where_delete'],
      [...path, 'where_delete'],
      'an SQL condition',
    );
  if (entry['columns'] !== undefined) {
    const columnsPath = [...path, 'columns'];
    const columns = reader.mapping(entry['columns'], columnsPath, 'column name -> rule');
    for (const [column, rule] of reader.entries(columns)) {
      const at = [...columnsPath, column];
      const problem = identifierProblem(column);
      if (problem !== undefined) throw reader.fail(at, `column name ${JSON.stringify(column)} ${problem}`);
      const parsed: ColumnRuleEntry = { column, rule: columnRule(reader, rule, at), path: formatKeyPath(at) };
      const line = reader.line(at);
      if (line !== undefined) parsed.line = line;
      rules.columns.push(parsed);
    }
  }
  if (rules.whereDelete === undefined && entry['columns'] === undefined)
    throw reader.fail(path, 'needs columns:, where_delete:, or both');
  return rules;
}

function keptTables(reader: RulesReader, value: unknown): KeptTable[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) throw reader.fail(['keep'], 'must be a list of table names');
  return list.map((item: unknown, index): KeptTable => {
    const path = ['keep', index];
    let key: string;
    let reason: string | undefined;
    if (typeof item === 'string') key = item;
    else if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const entries = reader.entries(item as Mapping);
      if (entries.length !== 1 || typeof entries[0]![1] !== 'string' || entries[0]![1].trim() === '')
        throw reader.fail(
          path,
          'must be a table name, or {TABLE: REASON} to keep a table whose content looks personal',
        );
      [key, reason] = entries[0] as [string, string];
      reason = reason.trim();
    } else throw reader.fail(path, 'must be a table name (a string)');
    const kept: KeptTable = { table: tableName(reader, key, path), key, path: formatKeyPath(path) };
    if (reason !== undefined) kept.reason = reason;
    const line = reader.line(path);
    if (line !== undefined) kept.line = line;
    return kept;
  });
}

/** Parses the rules file; `file` is the name used in messages. */
export function parseAnonymizeRules(source: { path: string; file: string; text: string }): AnonymizeRules {
  let doc: SourceDocument;
  try {
    doc = parseSourceDocument(source);
  } catch (error) {
    // The same YAML problems as in a compose file, under the rules' own code.
    if (isDevenvError(error) && error.code === 'COMPOSE_YAML')
      throw new DevenvError('ANONYMIZE_RULES_INVALID', error.message, {
        ...(error.location ? { location: error.location } : {}),
        ...(error.hint ? { hint: error.hint } : {}),
      });
    throw error;
  }
  const reader = new RulesReader(doc);
  if (doc.value === null || (typeof doc.value === 'object' && Object.keys(doc.value).length === 0))
    throw reader.fail([], 'is empty: every table of the dump needs a rule (tables:) or to be kept (keep:)');
  const root = reader.mapping(doc.value, [], 'tables: and keep:');
  reader.known(root, [], TOP_LEVEL_KEYS);
  const rules: AnonymizeRules = { file: source.file, tables: [], keep: [] };
  if (root['tables'] !== undefined && root['tables'] !== null) {
    const tables = reader.mapping(root['tables'], ['tables'], 'table name -> rule');
    for (const [key, value] of reader.entries(tables))
      rules.tables.push(tableRules(reader, key, value, ['tables', key]));
  }
  if (root['keep'] !== undefined && root['keep'] !== null) rules.keep = keptTables(reader, root['keep']);
  // One rule per table: `users` and `public.users` are the same table.
  const seen: { table: TableName; path: KeyPath }[] = [];
  const claim = (table: TableName, path: KeyPath, what: string) => {
    const earlier = seen.find((s) => sameTable(s.table, table));
    if (earlier !== undefined)
      throw reader.fail(
        path,
        `${what} names a table that already has a rule at line ${reader.line(earlier.path) ?? '?'} (${formatKeyPath(earlier.path)})`,
      );
    seen.push({ table, path });
  };
  for (const table of rules.tables) claim(table.table, ['tables', table.key], 'this rule');
  rules.keep.forEach((kept, index) => claim(kept.table, ['keep', index], 'keep'));
  return rules;
}

/**
 * SQL text for names and values: identifiers always double-quoted, literals
 * single-quoted (the scripts set standard_conforming_strings, so a backslash
 * is a backslash). Nothing from a rules file or a dump's schema reaches SQL
 * any other way, except the rules' own SQL (`value`, `where_delete`), which is
 * trusted code.
 */
import type { TableName } from './rules.js';

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function qualifiedName(table: TableName): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

/**
 * The table itself, not its inheritance children (which have rules of their
 * own): for every statement that reads, counts or changes its rows.
 */
export function onlyTable(table: TableName): string {
  return `ONLY ${qualifiedName(table)}`;
}

/** A text[] literal: ARRAY['a','b']. */
export function textArray(values: readonly string[]): string {
  return `ARRAY[${values.map(quoteLiteral).join(',')}]`;
}

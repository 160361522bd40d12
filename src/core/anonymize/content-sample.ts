/**
 * A sample of every column's content, to tell which columns look personal
 * (personal-data.ts) before anything is masked: about a thousand rows per
 * table (TABLESAMPLE SYSTEM, repeatable), each value cast to text and cut to
 * 500 characters. One query, one JSON answer.
 */
import { personalByContent, type ContentFinding } from './personal-data.js';
import { samplePercent } from './masking-sql.js';
import { sameTable } from './rules.js';
import type { TableInfo } from './schema.js';
import { onlyTable, quoteIdent } from './sql-text.js';

export const SAMPLE_ROWS_PER_TABLE = 1000;
const MAX_SAMPLED_LENGTH = 500;

export function contentSampleQuery(tables: readonly TableInfo[]): string {
  if (tables.length === 0) return `SELECT '[]'::jsonb`;
  const perTable = tables.map((table) => {
    if (table.columns.length === 0) return `'[]'::jsonb`;
    const values = table.columns
      .map((c) => `left(${quoteIdent(c.name)}::text, ${MAX_SAMPLED_LENGTH})`)
      .join(', ');
    const percent = samplePercent(table.pages);
    const sample = percent >= 100 ? '' : ` TABLESAMPLE SYSTEM (${percent}) REPEATABLE (11)`;
    return `(SELECT coalesce(jsonb_agg(jsonb_build_array(${values})), '[]'::jsonb) FROM (SELECT * FROM ${onlyTable(table)}${sample} LIMIT ${SAMPLE_ROWS_PER_TABLE}) s)`;
  });
  return `SELECT jsonb_build_array(${perTable.join(', ')})`;
}

export type ContentFindings = (table: TableInfo, column: string) => readonly ContentFinding[];

/** What the sample says per column (the answer of contentSampleQuery for the same tables). */
export function readContentSample(tables: readonly TableInfo[], answer: unknown): ContentFindings {
  const rows = answer as (string | null)[][][];
  const findings = new Map<string, ContentFinding[]>();
  tables.forEach((table, t) => {
    const tableRows = rows[t] ?? [];
    table.columns.forEach((column, c) => {
      const found = personalByContent(tableRows.map((row) => row[c] ?? null));
      if (found.length > 0) findings.set(`${table.schema}\u0000${table.name}\u0000${column.name}`, found);
    });
  });
  return (table, column) => {
    const known = tables.find((t) => sameTable(t, table));
    if (known === undefined) return [];
    return findings.get(`${table.schema}\u0000${table.name}\u0000${column}`) ?? [];
  };
}

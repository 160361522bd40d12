/**
 * Writing the stamp an anonymized dump carries (its shape and how `devenv db
 * load` reads it: core/data/anonymization-stamp.ts): a table
 * devenv_anonymization.stamp (stamp jsonb) with one row, written in the
 * scratch database just before pg_dump.
 */
import {
  STAMP_COLUMN,
  STAMP_SCHEMA,
  STAMP_TABLE,
  STAMP_TOOL,
  STAMP_VERSION,
  type AnonymizationStamp,
} from '../data/anonymization-stamp.js';
import { quoteIdent, quoteLiteral } from './sql-text.js';

export { STAMP_SCHEMA, type AnonymizationStamp };

export function anonymizationStamp(
  input: Omit<AnonymizationStamp, 'tool' | 'version' | 'checks'> & { checks: string[] },
): AnonymizationStamp {
  return { tool: STAMP_TOOL, version: STAMP_VERSION, ...input };
}

/** Replaces any stamp the input had with this one. */
export function stampSql(stamp: AnonymizationStamp): string {
  const schema = quoteIdent(STAMP_SCHEMA);
  const table = `${schema}.${quoteIdent(STAMP_TABLE)}`;
  return [
    `DROP SCHEMA IF EXISTS ${schema} CASCADE;`,
    `CREATE SCHEMA ${schema};`,
    `CREATE TABLE ${table} (${quoteIdent(STAMP_COLUMN)} jsonb);`,
    `INSERT INTO ${table} (${quoteIdent(STAMP_COLUMN)}) VALUES (${quoteLiteral(JSON.stringify(stamp))}::jsonb);`,
  ].join('\n');
}

/**
 * The stamp an anonymized dump carries, agreed with `devenv db load` (which
 * recognizes it): a table devenv_anonymization.stamp (stamp jsonb) with one
 * row, written in the scratch database just before pg_dump.
 */
import { quoteIdent, quoteLiteral } from './sql-text.js';

export const STAMP_SCHEMA = 'devenv_anonymization';
export const STAMP_TABLE = 'stamp';
export const STAMP_TOOL = 'devenv';
export const STAMP_VERSION = 1;

export interface AnonymizationStamp {
  tool: typeof STAMP_TOOL;
  version: typeof STAMP_VERSION;
  /** Hex SHA-256 of the rules file's bytes. */
  rulesSha256: string;
  /** ISO time. */
  anonymizedAt: string;
  /** Names of the checks that passed. */
  checks: string[];
}

export function anonymizationStamp(input: Omit<AnonymizationStamp, 'tool' | 'version'>): AnonymizationStamp {
  return { tool: STAMP_TOOL, version: STAMP_VERSION, ...input };
}

/** Replaces any stamp the input had with this one. */
export function stampSql(stamp: AnonymizationStamp): string {
  const schema = quoteIdent(STAMP_SCHEMA);
  return [
    `DROP SCHEMA IF EXISTS ${schema} CASCADE;`,
    `CREATE SCHEMA ${schema};`,
    `CREATE TABLE ${schema}.${quoteIdent(STAMP_TABLE)} (stamp jsonb);`,
    `INSERT INTO ${schema}.${quoteIdent(STAMP_TABLE)} (stamp) VALUES (${quoteLiteral(JSON.stringify(stamp))}::jsonb);`,
  ].join('\n');
}

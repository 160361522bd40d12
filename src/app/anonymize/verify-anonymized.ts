/**
 * The checks after masking (core/anonymize/verification-sql.ts) in one round
 * trip to the scratch Postgres, and a second only when original values turned
 * up somewhere (to name whose they are).
 */
import type { AnonymizePlan } from '../../core/anonymize/coverage.js';
import type { TracedColumn } from '../../core/anonymize/masking-sql.js';
import type { ReportFindings } from '../../core/anonymize/report.js';
import type { ColumnInfo, DatabaseSchema } from '../../core/anonymize/schema.js';
import {
  countsQuery,
  foreignKeysCheck,
  foreignKeysQuery,
  originalsCheck,
  originalsQuery,
  patternCountsOf,
  patternsCheck,
  patternsQuery,
  patternTargets,
  readCounts,
  readOriginals,
  readPatterns,
  rowCountsCheck,
  survivorSourcesQuery,
  survivorsQuery,
  survivorTargets,
  type CheckResult,
  type SurvivorHit,
} from '../../core/anonymize/verification-sql.js';
import type { ScratchPostgres } from './scratch-postgres.js';

export async function verifyAnonymized(
  db: ScratchPostgres,
  schema: DatabaseSchema,
  plan: AnonymizePlan,
  traced: readonly TracedColumn[],
): Promise<{ checks: CheckResult[]; findings: ReportFindings }> {
  const survivorColumns = survivorTargets(plan);
  const patternColumns = patternTargets(plan);
  const queries = [
    countsQuery(plan),
    originalsQuery(traced),
    survivorColumns.length > 0 ? survivorsQuery(survivorColumns) : `SELECT '[]'::jsonb`,
    patternColumns.length > 0 ? patternsQuery(patternColumns) : `SELECT '[]'::jsonb`,
    foreignKeysQuery(schema),
  ];
  const [counts, originals, survivorAnswer, patternAnswer, fkAnswer] = await db.run({
    name: 'verify',
    sql: queries.map((query) => `${query};`).join('\n'),
    failure: 'ANONYMIZE_FAILED',
    what: 'Checking the masked data',
  });

  const survivors = new Map<ColumnInfo, number>();
  const found: { target: (typeof survivorColumns)[number]; column: ColumnInfo; values: number }[] = [];
  survivorColumns.forEach((target, t) =>
    target.columns.forEach((column, c) => {
      const values = Number((survivorAnswer as number[][])[t]?.[c] ?? 0);
      survivors.set(column, values);
      if (values > 0) found.push({ target, column, values });
    }),
  );
  const hits: SurvivorHit[] = [];
  if (found.length > 0) {
    const sources = await db.run({
      name: 'sources',
      sql: found.map((f) => `${survivorSourcesQuery(f.target.table, f.column)};`).join('\n'),
      failure: 'ANONYMIZE_FAILED',
      what: 'Naming the original values found',
    });
    found.forEach((f, index) => {
      const ids = (sources[index] as number[] | undefined) ?? [];
      hits.push({
        table: f.target.table,
        column: f.column,
        values: f.values,
        sources: traced.filter((t) => ids.includes(t.id)),
      });
    });
  }

  const tableCounts = readCounts(plan, counts);
  const originalStats = readOriginals(originals);
  return {
    checks: [
      rowCountsCheck(plan, tableCounts),
      originalsCheck(traced, originalStats, hits),
      patternsCheck(patternColumns, readPatterns(patternColumns, patternAnswer)),
      foreignKeysCheck(schema, fkAnswer),
    ],
    findings: {
      counts: tableCounts,
      traced,
      originals: originalStats,
      survivors,
      patterns: patternCountsOf(patternColumns, patternAnswer),
      hits,
    },
  };
}

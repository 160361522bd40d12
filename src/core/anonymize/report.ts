/**
 * The report of a run (--report FILE): per table and column the rule, the rows
 * it touched and what the checks found; then every check. Names and counts
 * only: no value of the data ever appears in it.
 */
import { describePlanRule, type AnonymizePlan } from './coverage.js';
import type { TracedColumn } from './masking-sql.js';
import { tableLabel } from './rules.js';
import type { ColumnInfo } from './schema.js';
import type {
  CheckResult,
  OriginalsStat,
  PatternCounts,
  SurvivorHit,
  TableCounts,
} from './verification-sql.js';

export interface ReportColumn {
  column: string;
  type: string;
  rule: string;
  /** Non-null values the rule rewrote (0 for keep). */
  rowsTouched: number;
  checks: {
    /** Masked text columns: original values sampled before masking, and how many it still holds. */
    originalsSampled?: number;
    originalsStillHeld?: number;
    /** Text columns passed through: values that are sampled originals of masked columns. */
    originalValuesFound?: number;
    /** Kept or computed columns: values matching each content pattern, of nonNull. */
    patterns?: PatternCounts;
  };
}

export interface ReportTable {
  table: string;
  rule: 'keep' | 'delete' | 'truncate' | 'columns';
  whereDelete?: string;
  keptBecause?: string;
  rowsBefore: number;
  rowsDeleted: number;
  rowsAfter: number;
  columns: ReportColumn[];
}

export interface AnonymizeReport {
  tool: 'devenv';
  command: 'db anonymize';
  passed: boolean;
  input: string;
  /** Absent when nothing was written. */
  output?: string;
  rules: { file: string; sha256: string };
  /** Whether hash and shift_date used a salt given in DEVENV_ANONYMIZE_SALT (same output every run) or a random one. */
  salt: 'given' | 'random';
  image: string;
  anonymizedAt: string;
  durationMs: number;
  tables: ReportTable[];
  checks: CheckResult[];
  warnings: string[];
}

export interface ReportFindings {
  counts: readonly TableCounts[];
  traced: readonly TracedColumn[];
  originals: readonly OriginalsStat[];
  survivors: ReadonlyMap<ColumnInfo, number>;
  patterns: ReadonlyMap<ColumnInfo, PatternCounts>;
  hits: readonly SurvivorHit[];
}

export function reportTables(plan: AnonymizePlan, findings: ReportFindings): ReportTable[] {
  return plan.tables.map((tablePlan, index) => {
    const counts = findings.counts[index] ?? { before: 0, deleted: 0, after: 0, touched: {} };
    const table: ReportTable = {
      table: tableLabel(tablePlan.table),
      rule: tablePlan.action,
      rowsBefore: counts.before,
      rowsDeleted: counts.deleted,
      rowsAfter: counts.after,
      columns: tablePlan.columns.map((columnPlan) => {
        const traced = findings.traced.find((t) => t.column === columnPlan.column);
        const stat = traced ? findings.originals.find((s) => s.id === traced.id) : undefined;
        const checks: ReportColumn['checks'] = {};
        if (traced) {
          checks.originalsSampled = stat?.sampled ?? 0;
          checks.originalsStillHeld = stat?.unchanged ?? 0;
        }
        const found = findings.survivors.get(columnPlan.column);
        if (found !== undefined) checks.originalValuesFound = found;
        const patterns = findings.patterns.get(columnPlan.column);
        if (patterns !== undefined) checks.patterns = patterns;
        return {
          column: columnPlan.column.name,
          type: columnPlan.column.type,
          rule: describePlanRule(columnPlan),
          rowsTouched: counts.touched[columnPlan.column.name] ?? 0,
          checks,
        };
      }),
    };
    if (tablePlan.whereDelete !== undefined) table.whereDelete = tablePlan.whereDelete;
    if (tablePlan.kept?.reason !== undefined) table.keptBecause = tablePlan.kept.reason;
    return table;
  });
}

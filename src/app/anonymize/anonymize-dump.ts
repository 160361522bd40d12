/**
 * `devenv db anonymize`: a dump in, an anonymized and stamped dump out,
 * through a scratch Postgres (scratch-postgres.ts) that is removed whatever
 * happens. The rules file is parsed first (its errors need no engine); then,
 * each step an `anonymize.step` event:
 *   scratch  the scratch container started, the dump copied in
 *   restore  the schema restored, the rules checked against it (fail closed:
 *            a table or column without a rule stops here, before the data
 *            is even loaded); then the data, keys and indexes
 *   mask     the content sampled (a kept column that looks personal stops
 *            here), then one SQL script masks everything, set-based; VACUUM
 *   verify   the checks (core/anonymize/verification-sql.ts); one failing
 *            stops the run: nothing is written but the report
 *   dump     the stamp written, pg_dump (custom format), the file copied out
 *            (into a temporary file renamed when complete)
 *   cleanup  the container and its network removed
 */
import { resolve } from 'node:path';
import type { HostFiles } from '../../contracts/host-files.js';
import {
  keptButPersonal,
  keptPersonalError,
  planAnonymization,
  uncoveredError,
  withContentFindings,
  type AnonymizePlan,
} from '../../core/anonymize/coverage.js';
import { contentSampleQuery, readContentSample } from '../../core/anonymize/content-sample.js';
import { maskingScript, planLines } from '../../core/anonymize/masking-sql.js';
import { parseAnonymizeRules } from '../../core/anonymize/parse-rules.js';
import { reportTables, type AnonymizeReport } from '../../core/anonymize/report.js';
import { readSchema, schemaQuery, WORK_SCHEMA, type DatabaseSchema } from '../../core/anonymize/schema.js';
import { quoteIdent } from '../../core/anonymize/sql-text.js';
import { anonymizationStamp, STAMP_SCHEMA, stampSql } from '../../core/anonymize/stamp.js';
import {
  countsQuery,
  foreignKeysCheck,
  foreignKeysQuery,
  helperFunctionsSql,
  originalsCheck,
  originalsQuery,
  patternCountsOf,
  patternsCheck,
  patternsQuery,
  patternTargets,
  producedValuesSql,
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
import { DevenvError, isDevenvError } from '../../core/errors.js';
import { stackIdentity } from '../../core/stack/identity.js';
import { isPostgresService } from '../../core/plan/fast-postgres.js';
import type { AppContext } from '../context.js';
import type { AnonymizeStep } from '../events.js';
import { resolveStackTarget, type StackOptions } from '../stack-target.js';
import {
  SCRATCH_DATABASE,
  SCRATCH_DIR,
  startScratchPostgres,
  type ScratchPostgres,
} from './scratch-postgres.js';

/** Without a project, --image or DEVENV_ANONYMIZE_IMAGE: devenv's Postgres 15 stand-in. */
export const DEFAULT_ANONYMIZE_IMAGE = 'devenv-test/postgres:15';

export interface AnonymizeRequest {
  /** The dump (pg_dump custom or tar format, or plain SQL, possibly gzipped); relative to cwd. */
  from: string;
  rules: string;
  out: string;
  report?: string;
  /** --image: wins over DEVENV_ANONYMIZE_IMAGE and the project's database service. */
  image?: string;
  /** Which project's database service image to use (when in a project). */
  stack: StackOptions;
  /** Keys hash and shift_date; `given`: from DEVENV_ANONYMIZE_SALT (same output every run). */
  salt: { value: string; given: boolean };
  /** A random value for this run (names the scratch stack, its password). */
  runId: string;
}

export interface AnonymizePorts {
  files: HostFiles;
}

export interface AnonymizeResult {
  output: string;
  report?: string;
  bytes: number;
  durationMs: number;
  tables: number;
  rowsDeleted: number;
  rowsMasked: number;
  checks: string[];
}

type DumpFormat = 'custom' | 'tar' | 'plain' | 'gzip';

function dumpFormat(head: Uint8Array): DumpFormat {
  const text = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (text(0, 5) === 'PGDMP') return 'custom';
  if (text(257, 262) === 'ustar') return 'tar';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  return 'plain';
}

/** The scratch server's image: --image, DEVENV_ANONYMIZE_IMAGE, the project's database service, the default. */
export async function anonymizeImage(
  ctx: AppContext,
  request: Pick<AnonymizeRequest, 'image' | 'stack'>,
): Promise<{ image: string; source: string }> {
  if (request.image !== undefined) return { image: request.image, source: '--image' };
  const fromEnv = ctx.env['DEVENV_ANONYMIZE_IMAGE'];
  if (fromEnv !== undefined && fromEnv.trim() !== '')
    return { image: fromEnv.trim(), source: 'DEVENV_ANONYMIZE_IMAGE' };
  try {
    ctx.project.composeFiles(ctx.cwd, request.stack.files, ctx.env);
  } catch (error) {
    if (isDevenvError(error) && error.code === 'COMPOSE_NOT_FOUND' && request.stack.files === undefined)
      return { image: DEFAULT_ANONYMIZE_IMAGE, source: 'default (no project here)' };
    throw error;
  }
  const target = await resolveStackTarget(ctx, request.stack);
  const named = ctx.project.devenvConfig(ctx.cwd).database?.service;
  const services = Object.entries(target.project.services);
  const [name, service] =
    (named !== undefined ? services.find(([n]) => n === named) : undefined) ??
    services.find(([, s]) => isPostgresService(s)) ??
    [];
  if (name !== undefined && service?.image !== undefined)
    return { image: service.image, source: `the project's ${name} service` };
  return { image: DEFAULT_ANONYMIZE_IMAGE, source: 'default (no Postgres service in the project)' };
}

/** Rejects as soon as the command is interrupted (the pending work ends when the scratch is removed). */
function unlessInterrupted<T>(ctx: AppContext, work: Promise<T>): Promise<T> {
  const interrupted = () =>
    new DevenvError('INTERRUPTED', 'Interrupted: the scratch Postgres is removed, nothing was written.');
  if (ctx.signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(interrupted());
  }
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = () => reject(interrupted());
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        ctx.signal.removeEventListener('abort', onAbort);
        resolvePromise(value);
      },
      (error: unknown) => {
        ctx.signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export async function anonymizeDump(
  ctx: AppContext,
  ports: AnonymizePorts,
  request: AnonymizeRequest,
): Promise<AnonymizeResult> {
  const started = ctx.clock.now();
  const { files } = ports;
  const step = async <T>(
    name: AnonymizeStep,
    detail: string | undefined,
    work: () => Promise<T>,
    done?: (value: T) => string,
  ) => {
    const at = ctx.clock.now();
    ctx.emit({
      type: 'anonymize.step',
      step: name,
      state: 'started',
      ...(detail === undefined ? {} : { detail }),
    });
    const value = await unlessInterrupted(ctx, work());
    const doneDetail = done?.(value) ?? detail;
    ctx.emit({
      type: 'anonymize.step',
      step: name,
      state: 'done',
      durationMs: ctx.clock.now() - at,
      ...(doneDetail === undefined ? {} : { detail: doneDetail }),
    });
    return value;
  };
  const fromPath = resolve(ctx.cwd, request.from);
  const outPath = resolve(ctx.cwd, request.out);
  const reportPath = request.report === undefined ? undefined : resolve(ctx.cwd, request.report);

  // Everything that needs no engine first: the rules, the input.
  const rulesSource = await files.readText(resolve(ctx.cwd, request.rules));
  if (rulesSource === undefined)
    throw new DevenvError('USAGE', `The rules file ${request.rules} does not exist.`, {
      hint: 'Pass --rules anonymize.yaml (README.md, db anonymize, shows the format).',
    });
  const rules = parseAnonymizeRules({
    path: resolve(ctx.cwd, request.rules),
    file: request.rules,
    text: rulesSource.text,
  });
  const size = await files.fileSize(fromPath);
  if (size === undefined)
    throw new DevenvError('ANONYMIZE_INPUT', `The dump ${request.from} does not exist or is not a file.`, {
      hint: 'Pass --from a pg_dump file: custom format (pg_dump -Fc), tar (-Ft) or plain SQL (gzipped or not).',
    });
  if (outPath === fromPath)
    throw new DevenvError('USAGE', '--out names the input dump.', {
      hint: 'Write the anonymized dump to another file.',
    });
  const format = dumpFormat(await files.readHead(fromPath, 512));
  const { image, source } = await anonymizeImage(ctx, request);
  ctx.secrets.add([request.salt.value]);

  const { engine } = await ctx.engine();
  if ((await engine.inspectImage(image)) === undefined)
    await unlessInterrupted(
      ctx,
      engine.pullImage(image, () => undefined, ctx.signal),
    );

  const identity = stackIdentity({
    project: 'devenv-anonymize',
    owner: ctx.host.user,
    branch: request.stack.branch ?? (await ctx.gitBranch(ctx.cwd)),
    explicitName: `anonymize-${request.runId.slice(0, 12)}`,
  });
  let scratch: ScratchPostgres | undefined;
  try {
    scratch = await step('scratch', `${image} (${source})`, () =>
      startScratchPostgres(ctx, engine, files, { identity, image, password: request.runId }),
    );
    const db = scratch;
    const input = `${SCRATCH_DIR}/input.dump`;
    const restoreCommand = (section?: string): string[] =>
      format === 'custom' || format === 'tar'
        ? [
            'pg_restore',
            '--no-owner',
            '--no-privileges',
            '--exit-on-error',
            ...(section ? [`--section=${section}`] : []),
            '-U',
            'postgres',
            '-d',
            SCRATCH_DATABASE,
            input,
          ]
        : format === 'gzip'
          ? [
              'sh',
              '-c',
              `gunzip -c "$1" | psql -X -q -v ON_ERROR_STOP=1 -U postgres -d ${SCRATCH_DATABASE}`,
              'sh',
              input,
            ]
          : [
              'psql',
              '-X',
              '-q',
              '-v',
              'ON_ERROR_STOP=1',
              '-U',
              'postgres',
              '-d',
              SCRATCH_DATABASE,
              '-f',
              input,
            ];
    const restoreFailed = 'Restoring the dump';
    const introspect = async () =>
      readSchema(
        await db.json(schemaQuery([WORK_SCHEMA, STAMP_SCHEMA]), 'ANONYMIZE_INPUT', 'Reading the schema'),
      );

    const schema = await step(
      'restore',
      `${request.from} (${format}, ${size} bytes)`,
      async () => {
        await db.copyIn(files.packFile(fromPath, 'input.dump'));
        const sectioned = format === 'custom' || format === 'tar';
        if (sectioned) {
          // The schema alone first: rules that do not fit, or tables and columns without a rule,
          // stop the run before the data is loaded.
          await db.command(restoreCommand('pre-data'), 'ANONYMIZE_INPUT', restoreFailed);
          const { uncovered } = planAnonymization(rules, await introspect());
          if (uncovered.length > 0) throw uncoveredError(rules, uncovered);
          await db.command(restoreCommand('data'), 'ANONYMIZE_INPUT', restoreFailed);
          await db.command(restoreCommand('post-data'), 'ANONYMIZE_INPUT', restoreFailed);
        } else await db.command(restoreCommand(), 'ANONYMIZE_INPUT', restoreFailed);
        await db.command(
          ['psql', '-X', '-q', '-U', 'postgres', '-d', SCRATCH_DATABASE, '-c', 'ANALYZE'],
          'ANONYMIZE_INPUT',
          'ANALYZE',
        );
        return introspect();
      },
      (restored) =>
        `${restored.tables.length} tables, about ${restored.tables.reduce((sum, t) => sum + t.estimatedRows, 0)} rows`,
    );

    const plan = await step('mask', undefined, async () => {
      const { plan, uncovered } = planAnonymization(rules, schema);
      // Content of every table whose rows stay (and of those without a rule, for the message).
      const sampled = schema.tables.filter(
        (table) =>
          uncovered.some((u) => u.table === table) ||
          plan.tables.some((t) => t.table === table && (t.action === 'columns' || t.action === 'keep')),
      );
      const findings = readContentSample(
        sampled,
        await db.json(contentSampleQuery(sampled), 'ANONYMIZE_INPUT', 'Sampling the content'),
      );
      if (uncovered.length > 0) throw uncoveredError(rules, withContentFindings(uncovered, findings));
      const kept = keptButPersonal(plan, findings);
      if (kept.length > 0) throw keptPersonalError(rules, kept);
      if (schema.largeObjects > 0)
        ctx.emit({
          type: 'warning',
          warning: {
            message: `the dump has ${schema.largeObjects} large objects: rules cannot reach them, they are left out of the output`,
          },
        });
      ctx.emit({ type: 'plan', steps: planLines(plan) });
      const script = maskingScript(plan, schema, request.salt.value);
      await db.script('mask.sql', script.sql, 'ANONYMIZE_FAILED', 'Masking');
      await db.command(
        ['psql', '-X', '-q', '-U', 'postgres', '-d', SCRATCH_DATABASE, '-c', 'VACUUM ANALYZE'],
        'ANONYMIZE_FAILED',
        'VACUUM',
      );
      return { plan, traced: script.traced };
    });

    const verification = await step('verify', undefined, () => verify(db, schema, plan.plan, plan.traced));
    const checks: CheckResult[] = [
      {
        name: 'coverage',
        passed: true,
        summary: `every column of ${schema.tables.length} tables has a rule`,
        problems: [],
      },
      {
        name: 'kept-columns',
        passed: true,
        summary: 'no kept column looks personal (sampled)',
        problems: [],
      },
      ...verification.checks,
    ];
    for (const check of checks)
      ctx.emit({
        type: 'anonymize.check',
        check: check.name,
        passed: check.passed,
        summary: check.summary,
        problems: check.problems,
      });
    const anonymizedAt = new Date(ctx.clock.now()).toISOString();
    const report: AnonymizeReport = {
      tool: 'devenv',
      command: 'db anonymize',
      passed: checks.every((check) => check.passed),
      input: fromPath,
      rules: { file: resolve(ctx.cwd, request.rules), sha256: rulesSource.sha256 },
      salt: request.salt.given ? 'given' : 'random',
      image,
      anonymizedAt,
      durationMs: 0,
      tables: reportTables(plan.plan, verification.findings),
      checks,
      warnings:
        schema.largeObjects > 0 ? [`${schema.largeObjects} large objects left out of the output`] : [],
    };
    const failed = checks.filter((check) => !check.passed);
    if (failed.length > 0) {
      if (reportPath !== undefined)
        await files.writeText(
          reportPath,
          `${JSON.stringify({ ...report, durationMs: ctx.clock.now() - started }, null, 2)}\n`,
        );
      throw new DevenvError(
        'ANONYMIZE_CHECK_FAILED',
        `${failed.length} check${failed.length === 1 ? '' : 's'} failed after masking (${failed.map((c) => c.name).join(', ')}): nothing was written.`,
        {
          hint: `fix the rules in ${request.rules} for the columns named${reportPath ? `; the report is in ${request.report}` : ''}`,
          details: failed.flatMap((check) => check.problems.map((problem) => `  ${check.name}: ${problem}`)),
        },
      );
    }

    const bytes = await step(
      'dump',
      request.out,
      async () => {
        const stamp = anonymizationStamp({
          rulesSha256: rulesSource.sha256,
          anonymizedAt,
          checks: checks.map((check) => check.name),
        });
        await db.script(
          'stamp.sql',
          `${stampSql(stamp)}\nDROP SCHEMA IF EXISTS ${quoteIdent(WORK_SCHEMA)} CASCADE;\n`,
          'ANONYMIZE_FAILED',
          'Writing the stamp',
        );
        const output = `${SCRATCH_DIR}/output.dump`;
        await db.command(
          [
            'pg_dump',
            '-Fc',
            '--no-owner',
            '--no-privileges',
            ...(schema.largeObjects > 0 ? ['--no-blobs'] : []),
            '-U',
            'postgres',
            '-d',
            SCRATCH_DATABASE,
            '-f',
            output,
          ],
          'ANONYMIZE_FAILED',
          'pg_dump',
        );
        return files.unpackFile(await db.copyOut(output), outPath);
      },
      (written) => `${request.out} (${written} bytes)`,
    );

    const durationMs = ctx.clock.now() - started;
    if (reportPath !== undefined)
      await files.writeText(
        reportPath,
        `${JSON.stringify({ ...report, output: outPath, durationMs }, null, 2)}\n`,
      );
    return {
      output: outPath,
      ...(reportPath === undefined ? {} : { report: reportPath }),
      bytes,
      durationMs,
      tables: plan.plan.tables.length,
      rowsDeleted: verification.findings.counts.reduce((sum, c) => sum + c.deleted, 0),
      rowsMasked: plan.plan.tables.reduce(
        (sum, t, index) =>
          t.action === 'columns' &&
          t.columns.some((c) => c.rule.kind !== 'keep' && c.rule.kind !== 'generated')
            ? sum + (verification.findings.counts[index]?.after ?? 0)
            : sum,
        0,
      ),
      checks: checks.map((check) => check.name),
    };
  } finally {
    if (scratch !== undefined) {
      const at = ctx.clock.now();
      ctx.emit({ type: 'anonymize.step', step: 'cleanup', state: 'started' });
      await scratch.remove();
      ctx.emit({
        type: 'anonymize.step',
        step: 'cleanup',
        state: 'done',
        durationMs: ctx.clock.now() - at,
        detail: identity.name,
      });
    }
  }
}

async function verify(
  db: ScratchPostgres,
  schema: DatabaseSchema,
  plan: AnonymizePlan,
  traced: Parameters<typeof originalsCheck>[0],
) {
  const failure = 'ANONYMIZE_FAILED' as const;
  await db.script(
    'checks.sql',
    `${helperFunctionsSql()}\n${producedValuesSql(traced)}\n`,
    failure,
    'Preparing the checks',
  );
  const counts = readCounts(plan, await db.json(countsQuery(plan), failure, 'Counting rows'));
  const originals = readOriginals(await db.json(originalsQuery(), failure, 'Reading the sampled originals'));

  const survivorColumns = survivorTargets(plan);
  const survivors = new Map<(typeof survivorColumns)[number]['columns'][number], number>();
  const hits: SurvivorHit[] = [];
  if (survivorColumns.length > 0) {
    const answer = (await db.json(
      survivorsQuery(survivorColumns),
      failure,
      'Looking for original values',
    )) as number[][];
    for (const [t, target] of survivorColumns.entries())
      for (const [c, column] of target.columns.entries()) {
        const found = Number(answer[t]?.[c] ?? 0);
        survivors.set(column, found);
        if (found === 0) continue;
        const ids = (await db.json(
          survivorSourcesQuery(target.table, column),
          failure,
          'Naming original values',
        )) as number[];
        hits.push({
          table: target.table,
          column,
          values: found,
          sources: traced.filter((t) => ids.includes(t.id)),
        });
      }
  }

  const patternColumns = patternTargets(plan);
  const patternAnswer =
    patternColumns.length > 0
      ? await db.json(patternsQuery(patternColumns), failure, 'Scanning for personal content')
      : [];
  const patternHits = readPatterns(patternColumns, patternAnswer);
  const fkAnswer = await db.json(foreignKeysQuery(schema), failure, 'Checking foreign keys');

  return {
    checks: [
      rowCountsCheck(plan, counts),
      originalsCheck(traced, originals, hits),
      patternsCheck(patternColumns, patternHits),
      foreignKeysCheck(schema, fkAnswer),
    ],
    findings: {
      counts,
      traced,
      originals,
      survivors,
      patterns: patternCountsOf(patternColumns, patternAnswer),
      hits,
    },
  };
}

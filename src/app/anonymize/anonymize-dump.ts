/**
 * `devenv db anonymize`: a dump in, an anonymized and stamped dump out,
 * through a scratch Postgres (scratch-postgres.ts) that is removed whatever
 * happens. The rules file is parsed first (its errors need no engine); then,
 * each step an `anonymize.step` event:
 *   scratch  the scratch container started
 *   restore  the dump copied in; its schema restored and the rules checked
 *            against it (fail closed: a table or column without a rule stops
 *            here, before the data is even loaded); then, into the database
 *            made anew, all of it in one transaction (schema, data, keys, indexes)
 *   mask     the content sampled (a kept column that looks personal stops
 *            here), then one SQL script masks everything, set-based; VACUUM of
 *            the tables it changed (not for the output: for the checks, whose
 *            scans would otherwise prune the dead rows, slower than VACUUM does)
 *   verify   the checks (core/anonymize/verification-sql.ts); one failing
 *            stops the run: nothing is written but the report
 *   dump     the stamp written, pg_dump (custom format), the file copied out
 *            (into a temporary file renamed when complete)
 *   cleanup  the container, its volume and network removed
 * Each step is one or two execs in the container: they cost tens of ms each
 * (more on a busy engine), so SQL goes in files, answers come back as JSON lines.
 */
import { resolve } from 'node:path';
import type { HostFiles } from '../../contracts/host-files.js';
import { contentSampleQuery, readContentSample } from '../../core/anonymize/content-sample.js';
import {
  keptButPersonal,
  keptPersonalError,
  planAnonymization,
  uncoveredError,
  withContentFindings,
} from '../../core/anonymize/coverage.js';
import { maskingScript, planLines } from '../../core/anonymize/masking-sql.js';
import { parseAnonymizeRules } from '../../core/anonymize/parse-rules.js';
import { reportTables, type AnonymizeReport } from '../../core/anonymize/report.js';
import { readSchema, schemaQuery, WORK_SCHEMA, type DatabaseSchema } from '../../core/anonymize/schema.js';
import { qualifiedName, quoteIdent } from '../../core/anonymize/sql-text.js';
import { anonymizationStamp, STAMP_SCHEMA, stampSql } from '../../core/anonymize/stamp.js';
import { helperFunctionsSql, suspectsSql, type CheckResult } from '../../core/anonymize/verification-sql.js';
import { dumpKind, dumpKindProblem, type DumpKind } from '../../core/data/dump-format.js';
import { DevenvError } from '../../core/errors.js';
import { stackIdentity } from '../../core/stack/identity.js';
import type { AppContext } from '../context.js';
import type { AnonymizeStep } from '../events.js';
import type { StackOptions } from '../stack-target.js';
import { anonymizeImage } from './anonymize-image.js';
import {
  SCRATCH_DATABASE,
  SCRATCH_DIR,
  startScratchPostgres,
  type ScratchPostgres,
} from './scratch-postgres.js';
import { verifyAnonymized } from './verify-anonymized.js';

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
  /** A random value for this run: names the scratch stack. */
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

/** What anonymize restores: pg_dump's custom and tar archives, plain SQL, gzipped or not. */
type DumpFormat = Exclude<DumpKind, 'empty' | 'binary'>;

function restorableFormat(head: Uint8Array, file: string): DumpFormat {
  const kind = dumpKind(head);
  if (kind === 'empty' || kind === 'binary')
    throw new DevenvError('ANONYMIZE_INPUT', `--from ${file} is not a dump: ${dumpKindProblem[kind]}.`, {
      hint: 'Pass a pg_dump of production (custom, tar or plain, gzipped or not).',
    });
  return kind;
}

/**
 * The command that restores the dump: an archive's schema alone (`pre-data`), or
 * all of it in one transaction (the tables created in the same transaction as
 * their data: with wal_level=minimal neither the COPY nor the index builds are
 * written to the WAL); all of a plain one.
 */
function restoreCommand(format: DumpFormat, input: string, section?: 'pre-data'): string[] {
  const target = ['-U', 'postgres', '-d', SCRATCH_DATABASE];
  if (format === 'custom' || format === 'tar')
    return [
      'pg_restore',
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      ...(section ? [`--section=${section}`] : ['--single-transaction']),
      ...target,
      input,
    ];
  const psql = ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...target];
  if (format === 'gzip') return ['sh', '-c', `gunzip -c "$1" | ${psql.join(' ')}`, 'sh', input];
  return [...psql, '-f', input];
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
  ): Promise<T> => {
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
  const rulesPath = resolve(ctx.cwd, request.rules);
  const outPath = resolve(ctx.cwd, request.out);
  const reportPath = request.report === undefined ? undefined : resolve(ctx.cwd, request.report);

  // Everything that needs no engine first: the rules, the input.
  const rulesSource = await files.readText(rulesPath);
  if (rulesSource === undefined)
    throw new DevenvError('USAGE', `The rules file ${request.rules} does not exist.`, {
      hint: 'Pass --rules anonymize.yaml (README.md, db anonymize, shows the format).',
    });
  const rules = parseAnonymizeRules({ path: rulesPath, file: request.rules, text: rulesSource.text });
  const size = await files.fileSize(fromPath);
  if (size === undefined)
    throw new DevenvError('ANONYMIZE_INPUT', `The dump ${request.from} does not exist or is not a file.`, {
      hint: 'Pass --from a pg_dump file: custom format (pg_dump -Fc), tar (-Ft) or plain SQL (gzipped or not).',
    });
  if (outPath === fromPath || outPath === rulesPath)
    throw new DevenvError('USAGE', `--out names the ${outPath === fromPath ? 'input dump' : 'rules file'}.`, {
      hint: 'Write the anonymized dump to another file.',
    });
  for (const [flag, path] of [
    ['--out', outPath],
    ['--report', reportPath],
  ] as const) {
    const problem = path === undefined ? undefined : await files.writableProblem(path);
    if (problem !== undefined)
      throw new DevenvError('USAGE', `${flag} ${path}: ${problem}.`, {
        hint: 'Name a file in a writable directory.',
      });
  }
  const format = restorableFormat(await files.readHead(fromPath, 512), request.from);
  const { image, source } = await anonymizeImage(ctx, request);
  ctx.secrets.add([request.salt.value]);

  const connection = await ctx.engine();
  const { engine } = connection;
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
  let starting: Promise<ScratchPostgres> | undefined;
  try {
    scratch = await step(
      'scratch',
      `${image} (${source})`,
      () => (starting = startScratchPostgres(ctx, connection, files, { identity, image })),
    );
    const db = scratch;
    const input = `${SCRATCH_DIR}/devenv-anonymize-input.dump`;
    const sectioned = format === 'custom' || format === 'tar';
    const introspect = `${schemaQuery([WORK_SCHEMA, STAMP_SCHEMA])};`;
    const restoring = {
      failure: 'ANONYMIZE_INPUT' as const,
      what: 'Restoring the dump',
      hint: `The scratch Postgres is ${image}: a dump made by a newer pg_dump, or needing extensions the image lacks, wants another one (--image).`,
    };

    const schema = await step(
      'restore',
      `${request.from} (${format}, ${size} bytes)`,
      async (): Promise<DatabaseSchema> => {
        await db.copyIn(files.packFile(fromPath, 'devenv-anonymize-input.dump'));
        if (sectioned) {
          // The schema alone first: rules that do not fit, or tables and columns without a rule,
          // stop the run before the data is loaded.
          const [tables] = await db.run({
            ...restoring,
            name: 'schema',
            before: [restoreCommand(format, input, 'pre-data')],
            sql: introspect,
          });
          const { uncovered } = planAnonymization(rules, readSchema(tables));
          if (uncovered.length > 0) throw uncoveredError(rules, uncovered);
        }
        // Then all of it into a new, empty database: one transaction, the tables created in it.
        const [restored] = await db.run({
          ...restoring,
          name: 'load',
          before: [
            ...(sectioned
              ? [
                  ['dropdb', '-U', 'postgres', SCRATCH_DATABASE],
                  ['createdb', '-U', 'postgres', SCRATCH_DATABASE],
                ]
              : []),
            restoreCommand(format, input),
          ],
          sql: introspect,
        });
        return readSchema(restored);
      },
      (restored) =>
        `${restored.tables.length} tables, ${Math.round(restored.tables.reduce((sum, t) => sum + t.pages, 0) / 128)} MB`,
    );

    const masked = await step('mask', undefined, async () => {
      const { plan, uncovered } = planAnonymization(rules, schema);
      // The content of every table whose rows stay (and of those without a rule, for the message).
      const sampled = schema.tables.filter(
        (table) =>
          uncovered.some((u) => u.table === table) ||
          plan.tables.some((t) => t.table === table && (t.action === 'columns' || t.action === 'keep')),
      );
      const [sample] = await db.run({
        name: 'sample',
        sql: `${contentSampleQuery(sampled)};`,
        failure: 'ANONYMIZE_INPUT',
        what: 'Sampling the content',
      });
      const findings = readContentSample(sampled, sample);
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
      // Then, outside the masking transaction, what the checks need: VACUUM of the tables the
      // script changed (the article VACUUMs all; a kept or truncated table has no dead rows).
      const changed = plan.tables
        .filter((t) => t.action === 'delete' || t.action === 'columns')
        .map((t) => qualifiedName(t.table));
      await db.run({
        name: 'mask',
        sql: `${script.sql}${changed.length > 0 ? `VACUUM ${changed.join(', ')};\n` : ''}${helperFunctionsSql()}\n${suspectsSql(script.traced)}\n`,
        failure: 'ANONYMIZE_FAILED',
        what: 'Masking',
      });
      return { plan, traced: script.traced };
    });

    const verification = await step('verify', undefined, () =>
      verifyAnonymized(db, schema, masked.plan, masked.traced),
    );
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
      rules: { file: rulesPath, sha256: rulesSource.sha256 },
      salt: request.salt.given ? 'given' : 'random',
      image,
      anonymizedAt,
      durationMs: 0,
      tables: reportTables(masked.plan, verification.findings),
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
        const output = `${SCRATCH_DIR}/devenv-anonymize-output.dump`;
        await db.run({
          name: 'dump',
          sql: `${stampSql(stamp)}\nDROP SCHEMA IF EXISTS ${quoteIdent(WORK_SCHEMA)} CASCADE;\n`,
          after: [
            [
              'pg_dump',
              '-Fc',
              // zlib level 1: half the compression CPU of the default (6), for an output about 15% larger.
              '-Z',
              '1',
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
          ],
          failure: 'ANONYMIZE_FAILED',
          what: 'Writing the stamped dump',
        });
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
    const masks = (t: (typeof masked.plan.tables)[number]) =>
      t.action === 'columns' && t.columns.some((c) => c.rule.kind !== 'keep' && c.rule.kind !== 'generated');
    return {
      output: outPath,
      ...(reportPath === undefined ? {} : { report: reportPath }),
      bytes,
      durationMs,
      tables: masked.plan.tables.length,
      rowsDeleted: verification.findings.counts.reduce((sum, c) => sum + c.deleted, 0),
      rowsMasked: masked.plan.tables.reduce(
        (sum, t, index) => (masks(t) ? sum + (verification.findings.counts[index]?.after ?? 0) : sum),
        0,
      ),
      checks: checks.map((check) => check.name),
    };
  } finally {
    // Interrupted while it started: it is removed once its start returns.
    scratch ??= await starting?.catch(() => undefined);
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

/** `devenv preview up|ls|logs|rm`: per-branch preview stacks with stable URLs (app/preview.ts). */
import { listPreviews, previewLogs, previewRm, previewUp } from '../../app/preview.js';
import { DEFAULT_PREVIEW_TTL_SECONDS } from '../../core/preview/preview.js';
import { DevenvError } from '../../core/errors.js';
import { formatPorts } from '../../ui/format-ports.js';
import {
  commonOptions,
  environmentOption,
  type Command,
  type OptionSpec,
  type ParsedCommand,
} from '../command.js';
import { parsePositiveDurationSeconds } from '../duration.js';
import { engineEnvironment } from '../engine-selection.js';
import { eventRenderer } from '../event-renderer.js';
import { previewDeps, refusePlainTcp } from '../preview-deps.js';

const engineOptions: OptionSpec = {
  engine: { type: 'string' },
  'insecure-engine': { type: 'boolean' },
};

function branchArgument(parsed: ParsedCommand, usage: string): string {
  const branch = parsed.positionals[0];
  if (branch === undefined || branch.trim() === '')
    throw new DevenvError('USAGE', 'Name the branch to preview.', { hint: `Usage: ${usage}` });
  if (parsed.positionals.length > 1)
    throw new DevenvError('USAGE', `One branch at a time, not ${parsed.positionals.join(', ')}.`, {
      hint: `Usage: ${usage}`,
    });
  return branch;
}

/** The environment when one was chosen (--env, DEVENV_ENV), else undefined: every environment. */
function chosenEnvironment(
  parsed: ParsedCommand,
  env: Record<string, string | undefined>,
): string | undefined {
  return typeof parsed.values['env'] === 'string' || Boolean(env['DEVENV_ENV'])
    ? environmentOption(parsed, env)
    : undefined;
}

const upUsage =
  'devenv preview up BRANCH [--env ENV] [--engine ENGINE [--insecure-engine]] [--ttl 72h] [--timeout 120s] [--json] [-f FILE]...';

export const previewUpCommand: Command = {
  name: 'preview up',
  takesArguments: true,
  summary: 'bring a branch up as a preview stack (its own worktree, stable URLs); again: pull and reconcile',
  effect: { changes: "creates or updates the branch's preview stack and worktree" },
  usage: upUsage,
  options: { ...commonOptions, ...engineOptions, ttl: { type: 'string' }, timeout: { type: 'string' } },
  async run(ctx, io, parsed) {
    const v = parsed.values;
    refusePlainTcp(
      engineEnvironment(previewUpCommand, parsed, ctx.cwd, ctx.env),
      v['insecure-engine'] === true,
    );
    const json = v['json'] === true;
    // --json: the one object below is the whole output (a pipeline posts it); progress goes to stderr.
    io.setRenderer(
      eventRenderer(ctx, json ? { ...io, stdout: io.stderr } : io, {
        json: false,
        secrets: () => ctx.secrets.values(),
      }),
    );
    const branch = branchArgument(parsed, upUsage);
    const ttlSeconds =
      typeof v['ttl'] === 'string'
        ? parsePositiveDurationSeconds(v['ttl'], '--ttl', '72h')
        : DEFAULT_PREVIEW_TTL_SECONDS;
    const result = await previewUp(ctx, previewDeps(ctx.env), {
      branch,
      environment: environmentOption(parsed, ctx.env),
      ttlSeconds,
      ...(Array.isArray(v['file']) ? { files: v['file'] as string[] } : {}),
      ...(Array.isArray(v['profile']) ? { profiles: v['profile'] as string[] } : {}),
      ...(typeof v['timeout'] === 'string'
        ? { timeoutMs: parsePositiveDurationSeconds(v['timeout'], '--timeout', '120s') * 1000 }
        : {}),
      dataCache: ctx.env['DEVENV_NO_DATA_CACHE'] !== '1',
    });
    if (json) {
      const urls = Object.fromEntries(result.urls.map((route) => [route.service, route.url]));
      io.stdout(
        JSON.stringify({
          branch: result.branch,
          commit: result.commit,
          stack: result.stack,
          urls,
          proxy: result.proxy,
          expiresAt: result.expiresAt,
        }),
      );
    } else {
      io.stdout(`Preview of ${branch} (${result.commit.slice(0, 12)}) is up: ${result.stack}`);
      for (const route of result.urls) io.stdout(`  ${route.service}: ${route.url}`);
      if (result.urls.length === 0)
        io.stdout('  (no HTTP service: no published port other than databases and caches)');
      if (!result.localEngine)
        io.stdout(
          `  The engine is remote: its proxy is at ${result.proxy} (e.g. curl --connect-to ::${result.proxy} URL).`,
        );
      io.stdout(`Removed by \`devenv gc\` after ${result.expiresAt}; now: devenv preview rm ${branch}`);
    }
    return 0;
  },
};

export const previewLsCommand: Command = {
  name: 'preview ls',
  summary: 'the preview stacks on the engine, with their URLs and expiry',
  effect: 'reads',
  usage: 'devenv preview ls [--all] [--json] [--engine ENGINE]',
  options: { ...commonOptions, ...engineOptions, all: { type: 'boolean' } },
  async run(ctx, io, parsed) {
    refusePlainTcp(
      engineEnvironment(previewLsCommand, parsed, ctx.cwd, ctx.env),
      parsed.values['insecure-engine'] === true,
    );
    const deps = previewDeps(ctx.env);
    // In a repository: its previews; elsewhere, or with --all: every repository's.
    const repository = parsed.values['all'] === true ? undefined : await deps.git.repositoryRoot(ctx.cwd);
    const previews = await listPreviews(ctx, deps, repository);
    if (parsed.values['json'] === true) {
      io.stdout(JSON.stringify(previews, null, 2));
      return 0;
    }
    if (previews.length === 0) io.stdout('No previews on this engine.');
    for (const preview of previews) {
      io.stdout(
        `${preview.branch}  ${preview.stack}${preview.environment === 'dev' ? '' : ` env=${preview.environment}`}${preview.commit ? ` at ${preview.commit.slice(0, 12)}` : ''}${preview.expiresAt ? ` expires ${preview.expiresAt}` : ''}`,
      );
      for (const route of preview.urls) io.stdout(`  ${route.service}: ${route.url}`);
      for (const service of preview.services)
        io.stdout(
          `  ${service.service}  ${service.state}${service.health === 'none' ? '' : ` (${service.health})`}  ${formatPorts(service.ports)}`,
        );
    }
    return 0;
  },
};

const logsUsage =
  'devenv preview logs BRANCH [SERVICE] [-f|--follow] [--tail N] [--env ENV] [--engine ENGINE]';

export const previewLogsCommand: Command = {
  name: 'preview logs',
  takesArguments: true,
  summary: "a preview's logs, prefixed by service (streamed over the engine's API)",
  effect: 'reads',
  usage: logsUsage,
  options: {
    ...commonOptions,
    ...engineOptions,
    follow: { type: 'boolean', short: 'f' },
    tail: { type: 'string' },
  },
  async run(ctx, io, parsed) {
    refusePlainTcp(
      engineEnvironment(previewLogsCommand, parsed, ctx.cwd, ctx.env),
      parsed.values['insecure-engine'] === true,
    );
    io.setRenderer(
      eventRenderer(ctx, io, { json: parsed.values['json'] === true, secrets: () => ctx.secrets.values() }),
    );
    const [branch, service, ...extra] = parsed.positionals;
    if (branch === undefined || extra.length > 0)
      throw new DevenvError('USAGE', 'Name the branch (and at most one service).', {
        hint: `Usage: ${logsUsage}`,
      });
    let tail: number | undefined;
    if (typeof parsed.values['tail'] === 'string') {
      tail = Number(parsed.values['tail']);
      if (!Number.isInteger(tail) || tail < 0)
        throw new DevenvError('USAGE', `--tail expects a number of lines, not "${parsed.values['tail']}".`);
    }
    const environment = chosenEnvironment(parsed, ctx.env);
    await previewLogs(ctx, previewDeps(ctx.env), {
      branch,
      follow: parsed.values['follow'] === true,
      ...(environment !== undefined ? { environment } : {}),
      ...(service !== undefined ? { service } : {}),
      ...(tail !== undefined ? { tail } : {}),
    });
    return 0;
  },
};

const rmUsage = 'devenv preview rm BRANCH [--env ENV] [--engine ENGINE] [--json]';

export const previewRmCommand: Command = {
  name: 'preview rm',
  takesArguments: true,
  summary: "remove a branch's preview: its stack, volumes and worktree",
  effect: { changes: "removes the branch's preview stack, its volumes and its worktree" },
  usage: rmUsage,
  options: { ...commonOptions, ...engineOptions },
  async run(ctx, io, parsed) {
    refusePlainTcp(
      engineEnvironment(previewRmCommand, parsed, ctx.cwd, ctx.env),
      parsed.values['insecure-engine'] === true,
    );
    const json = parsed.values['json'] === true;
    io.setRenderer(eventRenderer(ctx, json ? { ...io, stdout: io.stderr } : io, { json: false }));
    const branch = branchArgument(parsed, rmUsage);
    const environment = chosenEnvironment(parsed, ctx.env);
    const stacks = await previewRm(ctx, previewDeps(ctx.env), {
      branch,
      ...(environment !== undefined ? { environment } : {}),
    });
    if (json) io.stdout(JSON.stringify({ branch, removed: stacks }));
    return 0;
  },
};

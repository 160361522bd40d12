import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../../app/context.js';
import { removeStack } from '../../app/down.js';
import { startSession, type SessionOptions } from '../../app/session.js';
import type { StackOptions } from '../../app/stack-target.js';
import type { WatchAttachment } from '../watch-attachment.js';
import { up, type UpOptions, type UpResult } from '../../app/up.js';
import { tuneHeapForLongLivedProcess } from '../long-lived-heap.js';
import { DevenvError } from '../../core/errors.js';
import { shellQuote } from '../../core/shell-quote.js';
import { projectSecretValues, secretValues } from '../../core/redact.js';
import { loadDevenvConfig } from '../../adapters/fs/devenv-config-file.js';
import { spawnReaper } from '../../adapters/host/reaper-process.js';
import { commonOptions, stackOptions, type Command, type CommandIO } from '../command.js';
import { parsePositiveDurationSeconds } from '../duration.js';
import { eventRenderer } from '../event-renderer.js';
import { colorEnabled } from '../../ui/colors.js';

/** How to address this stack again, as the user did: `--stack S`, `--branch B`, or nothing. */
function stackFlag(values: Record<string, unknown>): string {
  if (typeof values['stack'] === 'string') return ` --stack ${shellQuote(values['stack'])}`;
  if (typeof values['branch'] === 'string') return ` --branch ${shellQuote(values['branch'])}`;
  return '';
}

export const upCommand: Command = {
  name: 'up',
  summary: 'start the stack, health-gated; stays attached unless -d',
  usage:
    'devenv up [-d] [--fixed-ports] [--host-ip IP] [--ephemeral [--ttl 4h] [--owner-pid PID]] [--timeout 120s] [--build] [--json] [-f FILE]... [--branch B | --stack S]',
  options: {
    ...commonOptions,
    detach: { type: 'boolean', short: 'd' },
    'fixed-ports': { type: 'boolean' },
    'host-ip': { type: 'string' },
    ephemeral: { type: 'boolean' },
    ttl: { type: 'string' },
    'owner-pid': { type: 'string' },
    timeout: { type: 'string' },
    build: { type: 'boolean' },
    'no-data-cache': { type: 'boolean' },
    'no-tui': { type: 'boolean' },
    'no-watch': { type: 'boolean' },
    verbose: { type: 'boolean' },
  },
  async run(ctx: AppContext, io: CommandIO, parsed) {
    const v = parsed.values;
    const secrets: string[] = [];
    // devenv.yaml `secrets:` names whose values are masked everywhere, besides secret-looking names.
    const declared = loadDevenvConfig(ctx.cwd).secrets;
    const render = eventRenderer(ctx, io, {
      json: v['json'] === true,
      secrets: () => secrets,
      verbose: v['verbose'] === true,
    });
    let watch: WatchAttachment | undefined;
    io.setRenderer((event) => {
      render(event);
      watch?.onEvent(event);
    });
    const detach = v['detach'] === true;
    const watchWanted = !detach && v['no-watch'] !== true;
    const ephemeral = v['ephemeral'] === true;
    const options: UpOptions = {
      ...stackOptions(parsed),
      fixedPorts: v['fixed-ports'] === true,
      ephemeral,
      forceBuild: v['build'] === true,
      dataCache: v['no-data-cache'] !== true && ctx.env['DEVENV_NO_DATA_CACHE'] !== '1',
    };
    if (typeof v['host-ip'] === 'string') options.hostIp = v['host-ip'];
    if (typeof v['ttl'] === 'string')
      options.ttlSeconds = parsePositiveDurationSeconds(v['ttl'], '--ttl', '4h');
    else if (ephemeral) options.ttlSeconds = 4 * 3600;
    if (typeof v['timeout'] === 'string')
      options.timeoutMs = parsePositiveDurationSeconds(v['timeout'], '--timeout', '120s') * 1000;
    if (ephemeral) options.ownerPid = detach ? process.ppid : ctx.host.pid;
    if (typeof v['owner-pid'] === 'string') {
      const pid = Number(v['owner-pid']);
      if (!Number.isInteger(pid) || pid <= 0)
        throw new DevenvError('USAGE', `--owner-pid expects a process id, not "${v['owner-pid']}".`);
      options.ownerPid = pid;
    }

    const tui =
      !detach &&
      io.isTTY &&
      process.stdin.isTTY === true &&
      ctx.env['CI'] !== 'true' &&
      v['no-tui'] !== true &&
      v['json'] !== true;
    if (tui)
      return attachDashboard(ctx, io, options, {
        secrets,
        declared,
        ephemeral,
        flag: stackFlag(v),
        watch: watchWanted ? stackOptions(parsed) : undefined,
      });

    const startedSeconds = Math.floor(ctx.clock.now() / 1000);
    let stackName: string | undefined;
    options.onResolved = (identity, target) => {
      stackName = identity.name;
      // Known before anything prints: the template's secret values.
      secrets.push(...projectSecretValues(target.project, declared));
    };
    let result: UpResult;
    try {
      result = await up(ctx, options);
    } catch (error) {
      // An ephemeral stack that did not come up is removed, not left for gc.
      if (ephemeral && stackName !== undefined && error instanceof DevenvError) {
        const { engine } = await ctx.engine();
        await removeStack(ctx, engine, { stack: stackName, volumes: true });
      }
      throw error;
    }
    for (const value of secretValues(result.env, declared)) secrets.push(value);

    if (detach) {
      if (!v['json'])
        io.stdout(
          `Stop it with: devenv down${stackFlag(v)}   (connection settings unmasked: devenv env${stackFlag(v)})`,
        );
      if (ephemeral) {
        spawnReaper(
          process.argv[1] ?? '',
          result.target.identity.name,
          options.ownerPid ?? process.ppid,
          process.env,
        );
        if (!v['json'])
          io.stdout(
            `Ephemeral: removed when process ${options.ownerPid} ends, or by \`devenv gc\` after its TTL.`,
          );
      }
      return 0;
    }

    // Attached: watch (affected tests, develop.watch) and follow every service's logs until Ctrl-C / SIGTERM.
    if (watchWanted) {
      const { attachWatch } = await import('../watch-attachment.js');
      watch = await attachWatch(ctx, { stack: stackOptions(parsed), upOptions: options });
      await watch.stackReady(result.target);
    }
    // The dashboard's session without the dashboard: logs followed, a crashed service reported,
    // and a vanished engine waited for (logs followed again when it is back).
    tuneHeapForLongLivedProcess();
    const session = startSession(ctx, { upOptions: options, since: startedSeconds });
    session.attach(result);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([session.close(), sleep(500)]);
    await watch?.close();
    const { engine } = await ctx.engine();
    const stack = result.target.identity.name;
    if (ephemeral) {
      await removeStack(ctx, engine, { stack, volumes: true });
      io.stdout(`Ephemeral stack ${stack} removed.`);
    } else {
      io.stdout(`Detached. Stack ${stack} keeps running; stop it with \`devenv down${stackFlag(v)}\`.`);
    }
    return 0;
  },
};

/**
 * Attached in a terminal: the ink dashboard shows everything from the first
 * event of `up` on and sends its keys to an attached session. On q the stack
 * keeps running (an ephemeral one is removed); on d it is removed. Errors of
 * `up` show as a banner until q, then print as usual.
 */
async function attachDashboard(
  ctx: AppContext,
  io: CommandIO,
  options: UpOptions,
  how: {
    secrets: string[];
    declared: readonly string[];
    ephemeral: boolean;
    flag: string;
    watch: StackOptions | undefined;
  },
): Promise<number> {
  const { secrets, ephemeral } = how;
  tuneHeapForLongLivedProcess();
  const { eventHub } = await import('../../ui/ink/event-hub.js');
  // React's production build (the development one costs several times the CPU and memory);
  // NODE_ENV is restored at once: it is the user's, and compose files may interpolate it.
  const nodeEnv = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = 'production';
  const { renderDashboard } = await import('../../ui/ink/render-dashboard.js').finally(() => {
    if (nodeEnv === undefined) delete process.env['NODE_ENV'];
    else process.env['NODE_ENV'] = nodeEnv;
  });
  const hub = eventHub();
  let watch: WatchAttachment | undefined;
  io.setRenderer((event) => {
    hub.emit(event);
    watch?.onEvent(event);
  });
  // The session's own signal: q must also stop an `up` still in progress.
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const sessionCtx: AppContext = { ...ctx, signal: controller.signal };
  let stackName: string | undefined;
  options.onResolved = (identity, target) => {
    stackName = identity.name;
    secrets.push(...projectSecretValues(target.project, how.declared));
  };
  const sessionOptions: SessionOptions = { upOptions: options, since: Math.floor(ctx.clock.now() / 1000) };
  const session = startSession(sessionCtx, sessionOptions);
  // Watch mode warms up (watcher, vitest) while the stack comes up; the t/f/w keys reach it once it is there.
  const watching = how.watch
    ? import('../watch-attachment.js')
        .then(({ attachWatch }) => attachWatch(sessionCtx, { stack: how.watch!, upOptions: options }))
        .then(
          (attached) => {
            watch = attached;
            sessionOptions.tests = attached.tests;
            return attached;
          },
          (error: unknown) => {
            ctx.emit({
              type: 'warning',
              warning: { message: `watch mode is off: ${(error as Error).message}` },
            });
            return undefined;
          },
        )
    : Promise.resolve(undefined);
  ctx.signal.addEventListener('abort', () => session.end(), { once: true });
  const dashboard = renderDashboard({
    subscribe: hub.subscribe,
    onIntent: (intent) => session.handle(intent),
    secrets: { values: () => secrets, names: how.declared },
    color: colorEnabled(ctx.env, io.isTTY),
    testsConfigured: how.watch !== undefined,
    watching: () => watch?.tests.watching ?? false,
    ephemeral,
  });

  let failure: unknown;
  const running = (async () => {
    try {
      const result = await up(sessionCtx, options);
      for (const value of secretValues(result.env, how.declared)) secrets.push(value);
      session.attach(result);
      await (await watching)?.stackReady(result.target);
    } catch (error) {
      failure = error;
      if (!controller.signal.aborted) {
        // "app was not started because redis failed": the banner names the root cause (redis's port taken).
        let root = error;
        while (root instanceof DevenvError && root.cause instanceof DevenvError) root = root.cause;
        const outer = error instanceof Error && root !== error ? ` (${error.message})` : '';
        if (root instanceof DevenvError)
          ctx.emit({
            type: 'error',
            code: root.code,
            message: `${root.message}${outer}`,
            hint: root.hint ?? 'Press q to quit.',
          });
        else
          ctx.emit({
            type: 'error',
            code: 'INTERNAL',
            message: root instanceof Error ? root.message : String(root),
            hint: 'This looks like a bug in devenv; press q, then report the message printed.',
          });
      }
    }
  })();

  const end = await session.ended;
  controller.abort();
  await running;
  await session.close();
  await (await watching)?.close();
  const stack = stackName;
  let removal: unknown;
  if (stack !== undefined && ((end.kind === 'down' && !end.removed) || (end.kind === 'quit' && ephemeral))) {
    try {
      const { engine } = await ctx.engine();
      await removeStack(ctx, engine, { stack, volumes: true });
    } catch (error) {
      removal = error;
    }
  }
  ctx.signal.removeEventListener('abort', onAbort);
  await dashboard.stop();
  io.setRenderer(() => undefined);
  if (removal !== undefined) throw removal;
  if (stack === undefined) {
    if (failure !== undefined) throw failure;
    return 0;
  }
  if (end.kind === 'down') io.stdout(`Stack ${stack} removed with its volumes.`);
  else if (ephemeral) io.stdout(`Ephemeral stack ${stack} removed.`);
  else io.stdout(`Detached. Stack ${stack} keeps running; stop it with \`devenv down${how.flag}\`.`);
  if (failure !== undefined && !(failure instanceof DevenvError && failure.code === 'INTERRUPTED'))
    throw failure;
  return 0;
}

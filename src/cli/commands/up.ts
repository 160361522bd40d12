/**
 * `devenv up`: flags in, the use-case called (detached or attached), the
 * renderer chosen (dashboard in a terminal, plain lines, or JSON).
 */
import type { AttachedView } from '../../app/attached-up.js';
import { attachedUp } from '../../app/attached-up.js';
import { detachedUp } from '../../app/detached-up.js';
import type { UpOptions } from '../../app/up.js';
import { tuneHeapForLongLivedProcess } from '../long-lived-heap.js';
import { DevenvError } from '../../core/errors.js';
import { shellQuote } from '../../core/shell-quote.js';
import { secretValues } from '../../core/redact.js';
import { loadDevenvConfig } from '../../adapters/fs/devenv-config-file.js';
import { spawnReaper } from '../../adapters/host/reaper-process.js';
import type { AppContext } from '../../app/context.js';
import { targetEnvironment } from '../../app/stack-target.js';
import { commonOptions, stackOptions, type Command, type CommandIO } from '../command.js';
import { parsePositiveDurationSeconds } from '../duration.js';
import { parseHostIp } from '../host-ip-flag.js';
import { engineEnvironment } from '../engine-selection.js';
import { eventRenderer } from '../event-renderer.js';
import { timingsRecorder } from '../timings-recorder.js';
import { colorEnabled } from '../../ui/colors.js';
import { loadDashboardView } from '../../ui/ink/dashboard-view.js';
import { detachedMessage } from '../detached-message.js';
import { connectOrExplain } from '../doctor-gate.js';

/** How to address this stack again, as the user did: `--stack S`, `--branch B`, or nothing. */
function stackFlag(values: Record<string, unknown>): string {
  // A stack on another backend (--engine swarm) is found there only.
  const engine = typeof values['engine'] === 'string' ? ` --engine ${shellQuote(values['engine'])}` : '';
  if (typeof values['stack'] === 'string') return ` --stack ${shellQuote(values['stack'])}${engine}`;
  const env = typeof values['env'] === 'string' ? ` --env ${shellQuote(values['env'])}` : '';
  if (typeof values['branch'] === 'string') return ` --branch ${shellQuote(values['branch'])}${env}${engine}`;
  return `${env}${engine}`;
}

export const upCommand: Command = {
  name: 'up',
  summary: 'start the stack, health-gated; stays attached unless -d',
  effect: { changes: "creates or updates the stack's containers, networks and volumes" },
  usage:
    'devenv up [-d] [--proxy] [--fixed-ports] [--host-ip IP] [--ephemeral [--ttl 4h] [--owner-pid PID]] [--timeout 120s] [--build] [--timings] [--json] [-f FILE]... [--env NAME] [--branch B | --stack S]',
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
    timings: { type: 'boolean' },
    proxy: { type: 'boolean' },
  },
  async run(ctx: AppContext, io: CommandIO, parsed) {
    const v = parsed.values;
    // The engine first: one that cannot be reached stops here, with the doctor's fix.
    await connectOrExplain(ctx, engineEnvironment(upCommand, parsed, ctx.cwd, ctx.env));
    // devenv.yaml `secrets:` names whose values are masked everywhere, besides secret-looking names.
    const declared = loadDevenvConfig(ctx.cwd).secrets;
    const plain = eventRenderer(ctx, io, {
      json: v['json'] === true,
      secrets: () => ctx.secrets.values(),
      verbose: v['verbose'] === true,
    });
    // --timings: the phases (engine, images, data cache, each service, the stack) once it is ready.
    const render =
      v['timings'] === true ? timingsRecorder(plain, () => ctx.clock.now(), 'stack.ready').render : plain;
    io.setRenderer(render);
    const environment = targetEnvironment(ctx, stackOptions(parsed, ctx.env));
    const detach = v['detach'] === true;
    const watchWanted = !detach && v['no-watch'] !== true;
    // An environment with `ephemeral: true` behaves as `up --ephemeral`.
    const ephemeral = v['ephemeral'] === true || environment.ephemeral;
    const options: UpOptions = {
      ...stackOptions(parsed, ctx.env),
      fixedPorts: v['fixed-ports'] === true,
      ephemeral,
      forceBuild: v['build'] === true,
      dataCache: v['no-data-cache'] !== true && ctx.env['DEVENV_NO_DATA_CACHE'] !== '1',
      // Stable URLs through the preview proxy: --proxy, or DEVENV_PROXY=1 for every stack.
      proxy: v['proxy'] === true || ctx.env['DEVENV_PROXY'] === '1',
    };
    if (typeof v['host-ip'] === 'string') options.hostIp = parseHostIp(v['host-ip']);
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
      v['timings'] !== true &&
      io.isTTY &&
      process.stdin.isTTY === true &&
      ctx.env['CI'] !== 'true' &&
      v['no-tui'] !== true &&
      v['json'] !== true;

    if (detach) {
      // An ephemeral stack's reaper starts as soon as the stack has a name, before anything is
      // created: a devenv killed half-way (kill -9) leaves a stack its owner's end still removes.
      // It talks to the engine the stack is on (the environment's `engine:` as this command
      // resolved it), whatever devenv.yaml says by the time the owner ends.
      const reaper = ephemeral
        ? {
            onResolved: (identity: { name: string }) =>
              spawnReaper(
                process.argv[1] ?? '',
                identity.name,
                options.ownerPid ?? process.ppid,
                engineEnvironment(upCommand, parsed, ctx.cwd, ctx.env),
                ctx.host.pid,
              ),
          }
        : {};
      const result = await detachedUp(ctx, options, reaper);
      ctx.secrets.add(secretValues(result.env, declared));
      if (!v['json'])
        io.stdout(
          `Stop it with: devenv down${stackFlag(v)}   (connection settings unmasked: devenv env --show-secrets${stackFlag(v)})`,
        );
      if (ephemeral && !v['json'])
        io.stdout(
          `Ephemeral: removed when process ${options.ownerPid} ends, or by \`devenv gc\` after its TTL.`,
        );
      return 0;
    }

    // Attached: the dashboard in a terminal, else plain lines (or JSON); the same use-case under both.
    tuneHeapForLongLivedProcess();
    const watch = watchWanted ? stackOptions(parsed, ctx.env) : undefined;
    const dashboard = tui
      ? await loadDashboardView({
          secrets: { values: () => ctx.secrets.values(), names: declared },
          color: colorEnabled(ctx.env, io.isTTY),
          testsConfigured: watch !== undefined,
          ephemeral,
        })
      : undefined;
    if (dashboard) io.setRenderer(dashboard.render);
    const outcome = await attachedUp(
      ctx,
      { up: options, ephemeral, declaredSecrets: declared, ...(watch ? { watch } : {}) },
      dashboard ?? plainView,
    );
    if (dashboard) io.setRenderer(() => undefined);
    const interrupted = outcome.failure instanceof DevenvError && outcome.failure.code === 'INTERRUPTED';
    // Plain output: the failure is the command's error (Ctrl-C during `up` included, exit 130).
    if (outcome.failure !== undefined && !dashboard) throw outcome.failure;
    const stack = outcome.stack;
    if (stack !== undefined) {
      if (outcome.end === 'down' && outcome.removed) io.stdout(`Stack ${stack} removed with its volumes.`);
      else if (outcome.removed) io.stdout(`Ephemeral stack ${stack} removed.`);
      else if (outcome.state) io.stdout(detachedMessage(stack, outcome.state, stackFlag(v)));
    }
    if (outcome.failure !== undefined && !interrupted) throw outcome.failure;
    return 0;
  },
};

/** Plain lines (or JSON): the renderer prints the events; there are no keys. */
const plainView: AttachedView = {
  holdsOnFailure: false,
  open: () => undefined,
  close: async () => undefined,
};

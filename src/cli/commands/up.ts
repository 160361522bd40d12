import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../../app/context.js';
import { removeStack } from '../../app/down.js';
import { up, type UpOptions, type UpResult } from '../../app/up.js';
import { DevenvError } from '../../core/errors.js';
import { secretValues } from '../../core/redact.js';
import { spawnReaper } from '../../adapters/host/reaper-process.js';
import { commonOptions, stackOptions, type Command, type CommandIO } from '../command.js';
import { parseDurationSeconds } from '../duration.js';
import { eventRenderer } from '../event-renderer.js';

/** How to address this stack again, as the user did: `--stack S`, `--branch B`, or nothing. */
function stackFlag(values: Record<string, unknown>): string {
  if (typeof values['stack'] === 'string') return ` --stack ${values['stack']}`;
  if (typeof values['branch'] === 'string') return ` --branch ${values['branch']}`;
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
    io.setRenderer(
      eventRenderer(ctx, io, {
        json: v['json'] === true,
        secrets: () => secrets,
        verbose: v['verbose'] === true,
      }),
    );
    const detach = v['detach'] === true;
    const ephemeral = v['ephemeral'] === true;
    const options: UpOptions = {
      ...stackOptions(parsed),
      fixedPorts: v['fixed-ports'] === true,
      ephemeral,
      forceBuild: v['build'] === true,
      dataCache: v['no-data-cache'] !== true && ctx.env['DEVENV_NO_DATA_CACHE'] !== '1',
    };
    if (typeof v['host-ip'] === 'string') options.hostIp = v['host-ip'];
    if (typeof v['ttl'] === 'string') options.ttlSeconds = parseDurationSeconds(v['ttl'], '--ttl');
    else if (ephemeral) options.ttlSeconds = 4 * 3600;
    if (typeof v['timeout'] === 'string')
      options.timeoutMs = parseDurationSeconds(v['timeout'], '--timeout') * 1000;
    if (ephemeral) options.ownerPid = detach ? process.ppid : ctx.host.pid;
    if (typeof v['owner-pid'] === 'string') {
      const pid = Number(v['owner-pid']);
      if (!Number.isInteger(pid) || pid <= 0)
        throw new DevenvError('USAGE', `--owner-pid expects a process id, not "${v['owner-pid']}".`);
      options.ownerPid = pid;
    }

    const startedSeconds = Math.floor(ctx.clock.now() / 1000);
    let stackName: string | undefined;
    options.onResolved = (identity) => (stackName = identity.name);
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
    for (const value of secretValues(result.env)) secrets.push(value);
    for (const service of Object.values(result.target.project.services))
      secrets.push(...secretValues(service.environment));

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

    // Attached: follow every service's logs until Ctrl-C / SIGTERM.
    const { engine } = await ctx.engine();
    const follow = result.services.map((service) =>
      engine
        .logs(service.containerId, { follow: true, since: startedSeconds, signal: ctx.signal }, (line) =>
          ctx.emit({ type: 'log', service: service.service, stream: line.stream, line: line.text }),
        )
        .catch(() => undefined),
    );
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([Promise.all(follow), sleep(500)]);
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

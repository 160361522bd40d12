/**
 * A throwaway Postgres for `devenv db anonymize`: its own container on a
 * network of its own (internal: no way out), no published port, labelled as
 * an ephemeral devenv stack owned by this process (so `devenv gc` removes it
 * if this process dies before it does). Everything goes through the engine's
 * API: SQL with psql in the container (exec), files in and out as tar streams,
 * so a remote engine works the same. Durability is off: the data is a copy.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerEngine, ContainerRequest } from '../../contracts/engine.js';
import type { HostFiles } from '../../contracts/host-files.js';
import { DevenvError, type ErrorCode } from '../../core/errors.js';
import { engineLabels, serviceLabels, stackLabels } from '../../core/stack/labels.js';
import type { StackIdentity } from '../../core/stack/identity.js';
import type { AppContext } from '../context.js';

export const SCRATCH_DATABASE = 'devenv_anonymize';
/** Where files are put in the container. */
export const SCRATCH_DIR = '/tmp/devenv-anonymize';
const READY_TIMEOUT_MS = 120_000;

/** Settings for a copy nobody keeps: no fsync, big maintenance memory, minimal WAL. */
export const SCRATCH_SETTINGS = [
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
  'wal_level=minimal',
  'max_wal_senders=0',
  'max_wal_size=4GB',
  'maintenance_work_mem=512MB',
  'work_mem=64MB',
  'shared_buffers=256MB',
  'autovacuum=off',
];

export interface ScratchPostgres {
  readonly containerId: string;
  /** Runs one SQL statement that returns one JSON value; returns it parsed. */
  json(sql: string, failure: ErrorCode, what: string): Promise<unknown>;
  /** Runs a script (copied into the container as a file) with psql, stopping at the first error. */
  script(name: string, sql: string, failure: ErrorCode, what: string): Promise<void>;
  /** Runs a command in the container as the postgres user; a non-zero exit throws `failure`. */
  command(command: string[], failure: ErrorCode, what: string): Promise<string>;
  copyIn(tar: NodeJS.ReadableStream): Promise<void>;
  copyOut(path: string): Promise<NodeJS.ReadableStream>;
  /** Removes the container (and its anonymous volume) and the network; safe to call twice. */
  remove(): Promise<void>;
}

export interface ScratchRequest {
  identity: StackIdentity;
  image: string;
  /** The superuser's password (the scratch server listens on its internal network only). */
  password: string;
}

/** The most telling line of psql's or pg_restore's output: the first ERROR/FATAL, else the last line. */
export function sqlFailureLine(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const error = lines.find((line) => /\b(ERROR|FATAL|error):/.test(line)) ?? lines.at(-1) ?? '';
  return error.replace(/^.*?\b(?:ERROR|FATAL|pg_restore: error|psql:[^ ]* ERROR):\s*/, '');
}

export async function startScratchPostgres(
  ctx: AppContext,
  engine: ContainerEngine,
  files: Pick<HostFiles, 'packTexts'>,
  request: ScratchRequest,
): Promise<ScratchPostgres> {
  const { identity } = request;
  const labels = engineLabels(
    stackLabels({
      identity,
      createdAt: new Date(ctx.clock.now()),
      workingDir: ctx.cwd,
      composeFiles: [],
      lifetime: { ephemeral: true, ownerPid: ctx.host.pid, ownerHost: ctx.host.hostname },
      version: ctx.version,
    }),
    serviceLabels('postgres'),
  );
  const network = `${identity.name}_scratch`;
  let networkId: string | undefined;
  let containerId: string | undefined;
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    if (containerId !== undefined) await engine.removeContainer(containerId, { force: true, volumes: true });
    if (networkId !== undefined) await engine.removeNetwork(networkId);
  };
  try {
    networkId = await engine.createNetwork(network, labels, { internal: true });
    const container: ContainerRequest = {
      name: `${identity.name}-postgres-1`,
      image: request.image,
      command: ['postgres', ...SCRATCH_SETTINGS.flatMap((setting) => ['-c', setting])],
      env: {
        POSTGRES_USER: 'postgres',
        POSTGRES_PASSWORD: request.password,
        POSTGRES_DB: SCRATCH_DATABASE,
      },
      labels,
      ports: [],
      expose: [],
      mounts: [],
      networks: [{ network, aliases: ['postgres'] }],
      init: true,
      stopTimeoutSeconds: 2,
      restartPolicy: 'no',
      tty: false,
      openStdin: false,
      extraHosts: [],
      shmSizeBytes: 512 * 1024 * 1024,
    };
    containerId = await engine.createContainer(container);
    await engine.startContainer(containerId);
  } catch (error) {
    await remove().catch(() => undefined);
    throw error;
  }
  const id = containerId;
  const env = { PGPASSWORD: request.password, PGOPTIONS: '-c client_min_messages=warning' };
  const psql = ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-U', 'postgres', '-d', SCRATCH_DATABASE];

  const command = async (argv: string[], failure: ErrorCode, what: string): Promise<string> => {
    const result = await engine.exec(id, argv, { user: 'postgres', env });
    if (result.exitCode !== 0)
      throw new DevenvError(failure, `${what} failed: ${sqlFailureLine(result.output)}`, {
        details: result.output.trim().split('\n').slice(-12),
      });
    return result.output;
  };

  const scratch: ScratchPostgres = {
    containerId: id,
    command,
    async json(sql, failure, what) {
      const output = await command([...psql, '-A', '-t', '-c', sql], failure, what);
      try {
        return JSON.parse(output.trim()) as unknown;
      } catch {
        throw new DevenvError('ENGINE_ERROR', `${what}: psql printed something other than JSON`, {
          details: output.trim().split('\n').slice(0, 5),
        });
      }
    },
    async script(name, sql, failure, what) {
      await engine.copyToContainer(id, SCRATCH_DIR, files.packTexts([{ name, text: sql }]));
      await command([...psql, '-f', `${SCRATCH_DIR}/${name}`], failure, what);
    },
    copyIn: (tar) => engine.copyToContainer(id, SCRATCH_DIR, tar),
    copyOut: (path) => engine.copyFromContainer(id, path),
    remove,
  };

  try {
    await engine
      .exec(id, ['mkdir', '-p', SCRATCH_DIR])
      .then((r) => (r.exitCode === 0 ? undefined : Promise.reject(new Error(r.output))));
    await engine.exec(id, ['chmod', '1777', SCRATCH_DIR]);
    await waitUntilReady(ctx, engine, id);
  } catch (error) {
    await remove().catch(() => undefined);
    throw error;
  }
  return scratch;
}

async function waitUntilReady(ctx: AppContext, engine: ContainerEngine, id: string): Promise<void> {
  const deadline = ctx.clock.now() + READY_TIMEOUT_MS;
  // TCP on loopback: the entrypoint's temporary init server listens on the socket only.
  const probe = [
    'pg_isready',
    '-q',
    '-h',
    '127.0.0.1',
    '-p',
    '5432',
    '-U',
    'postgres',
    '-d',
    SCRATCH_DATABASE,
  ];
  for (;;) {
    if (ctx.signal.aborted)
      throw new DevenvError('INTERRUPTED', 'Interrupted while the scratch Postgres started.');
    const status = await engine.inspectContainer(id);
    if (status === undefined || status.state === 'exited' || status.state === 'dead') {
      const tail: string[] = [];
      await engine
        .logs(id, { follow: false, tail: 20 }, (line) => tail.push(line.text))
        .catch(() => undefined);
      throw new DevenvError(
        'SERVICE_FAILED',
        `The scratch Postgres exited (code ${status?.exitCode ?? '?'}).`,
        {
          hint: 'Is the image a Postgres image? Pick another with --image (or DEVENV_ANONYMIZE_IMAGE).',
          details: tail,
        },
      );
    }
    if (status.state === 'running' && (await engine.exec(id, probe)).exitCode === 0) return;
    if (ctx.clock.now() > deadline)
      throw new DevenvError(
        'SERVICE_FAILED',
        'The scratch Postgres did not accept connections within 120 s.',
      );
    await sleep(100);
  }
}

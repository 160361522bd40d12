/**
 * A throwaway Postgres for `devenv db anonymize`: its own container on a
 * network of its own (internal: no way out), no published port, labelled as
 * an ephemeral devenv stack owned by this process (so `devenv gc` removes it
 * if this process dies before it does). Everything goes through the engine's
 * API: SQL with psql in the container (exec), files in and out as tar streams,
 * so a remote engine works the same. Durability is off: the data is a copy.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerEngine, ContainerRequest, EngineInfo } from '../../contracts/engine.js';
import type { HostFiles } from '../../contracts/host-files.js';
import { pgFailureLine } from '../../core/data/pg-failure-line.js';
import { DevenvError, type ErrorCode } from '../../core/errors.js';
import { shellQuote } from '../../core/shell-quote.js';
import { postgresCacheCandidate } from '../../core/plan/postgres-data-cache.js';
import { hostPortsArePinnable } from '../../core/plan/port-plan.js';
import { engineLabels, Labels, serviceLabels, stackLabels } from '../../core/stack/labels.js';
import type { StackIdentity } from '../../core/stack/identity.js';
import type { AppContext } from '../context.js';
import { seedPostgresData } from '../postgres-data-cache.js';
import { pgIsReadyCommand } from '../../core/plan/pg-isready.js';

export const SCRATCH_DATABASE = 'devenv_anonymize';
/**
 * The same for every scratch server, so one cached data directory serves them all: the server
 * listens on an internal network of its own, with no published port.
 */
const SCRATCH_PASSWORD = 'devenv-anonymize';
const DEFAULT_PGDATA = '/var/lib/postgresql/data';
/** Where files are put in the container (any user may write there: pg_dump runs as postgres). */
export const SCRATCH_DIR = '/tmp';
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

/** One round trip: commands, then a SQL file, then commands, as one exec (each costs tens of ms, more on a busy engine). */
export interface ScratchRun {
  /** Names the SQL file in the container. */
  name: string;
  /** Run before the SQL, in order, stopping at the first failure (pg_restore). */
  before?: string[][];
  /** Statements run by psql, stopping at the first error; every SELECT must return one JSON value. */
  sql?: string;
  /** Run after the SQL (pg_dump). */
  after?: string[][];
  failure: ErrorCode;
  what: string;
  /** The next step when it fails. */
  hint?: string;
}

export interface ScratchPostgres {
  readonly containerId: string;
  /** The JSON values the SELECTs of `sql` returned, in order. */
  run(run: ScratchRun): Promise<unknown[]>;
  /** Puts the files of a tar stream into SCRATCH_DIR. */
  copyIn(tar: NodeJS.ReadableStream): Promise<void>;
  /** A tar stream of one path in the container. */
  copyOut(path: string): Promise<NodeJS.ReadableStream>;
  /** Removes the container, its data volume and its network; safe to call twice. */
  remove(): Promise<void>;
}

export interface ScratchRequest {
  identity: StackIdentity;
  image: string;
}

export async function startScratchPostgres(
  ctx: AppContext,
  { engine, info }: { engine: ContainerEngine; info: EngineInfo },
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
  const volume = `${identity.name}_pgdata`;
  let networkId: string | undefined;
  let volumeCreated = false;
  let containerId: string | undefined;
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    if (containerId !== undefined) await engine.removeContainer(containerId, { force: true, volumes: true });
    await Promise.all([
      networkId === undefined ? undefined : engine.removeNetwork(networkId),
      volumeCreated ? engine.removeVolume(volume) : undefined,
    ]);
  };
  try {
    const imageInfo = await engine.inspectImage(request.image);
    if (imageInfo === undefined)
      throw new DevenvError('IMAGE_NOT_FOUND', `The image ${request.image} is not on the engine.`);
    const pgdata = imageInfo.env['PGDATA'] || DEFAULT_PGDATA;
    networkId = await engine.createNetwork(network, labels, { internal: true });
    await engine.createVolume(volume, { ...labels, [Labels.volume]: 'pgdata' });
    volumeCreated = true;
    const container: ContainerRequest = {
      name: `${identity.name}-postgres-1`,
      image: request.image,
      command: ['postgres', ...SCRATCH_SETTINGS.flatMap((setting) => ['-c', setting])],
      env: {
        POSTGRES_USER: 'postgres',
        POSTGRES_PASSWORD: SCRATCH_PASSWORD,
        POSTGRES_DB: SCRATCH_DATABASE,
      },
      labels,
      ports: [],
      expose: [],
      mounts: [{ type: 'volume', source: volume, target: pgdata, readOnly: false }],
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
    // A data directory initialized once for this image and these settings (about 4 s of initdb
    // saved). Local engines only: the cache's builder publishes a port for a moment, with the
    // scratch servers' fixed password, which on a remote engine could be reachable from elsewhere.
    const candidate = postgresCacheCandidate(container, request.image, new Set([volume]), imageInfo.env);
    if (candidate !== undefined && hostPortsArePinnable(info.publishedHost))
      await seedPostgresData(ctx, {
        engine,
        info,
        service: 'postgres',
        request: container,
        imageId: imageInfo.id,
        candidate,
        hostIp: '127.0.0.1',
        containerId,
        timeoutMs: READY_TIMEOUT_MS,
      });
    await engine.startContainer(containerId);
  } catch (error) {
    await remove().catch(() => undefined);
    throw error;
  }
  const id = containerId;
  // Warnings would mix with the JSON answers (psql prints them on stderr, the exec interleaves both).
  const env = { PGPASSWORD: SCRATCH_PASSWORD, PGOPTIONS: '-c client_min_messages=error' };
  const psql = [
    'psql',
    '-X',
    '-q',
    '-A',
    '-t',
    '-v',
    'ON_ERROR_STOP=1',
    '-U',
    'postgres',
    '-d',
    SCRATCH_DATABASE,
  ];

  const scratch: ScratchPostgres = {
    containerId: id,
    async run(run) {
      const file = `${SCRATCH_DIR}/devenv-anonymize-${run.name}.sql`;
      if (run.sql !== undefined)
        await engine.copyToContainer(
          id,
          SCRATCH_DIR,
          files.packTexts([{ name: `devenv-anonymize-${run.name}.sql`, text: run.sql }]),
        );
      const commands = [
        ...(run.before ?? []),
        ...(run.sql === undefined ? [] : [[...psql, '-f', file]]),
        ...(run.after ?? []),
      ];
      const result = await engine.exec(
        id,
        ['sh', '-c', commands.map((c) => c.map(shellQuote).join(' ')).join(' && ')],
        {
          user: 'postgres',
          env,
        },
      );
      const lines = result.output.split('\n').filter((line) => line.trim() !== '');
      if (result.exitCode !== 0)
        throw new DevenvError(run.failure, `${run.what} failed: ${pgFailureLine(result.output)}`, {
          details: lines.slice(-12),
          ...(run.hint === undefined ? {} : { hint: run.hint }),
        });
      // Only the answers: a tool's warning on stderr (pg_restore) is not one.
      const answers = lines.filter((line) => line.startsWith('[') || line.startsWith('{'));
      try {
        return answers.map((line) => JSON.parse(line) as unknown);
      } catch {
        throw new DevenvError(
          'ENGINE_ERROR',
          `${run.what}: the scratch Postgres printed something other than JSON`,
          {
            details: lines.slice(0, 5).map((line) => line.slice(0, 200)),
          },
        );
      }
    },
    copyIn: (tar) => engine.copyToContainer(id, SCRATCH_DIR, tar),
    copyOut: (path) => engine.copyFromContainer(id, path),
    remove,
  };

  try {
    await waitUntilReady(ctx, engine, id);
  } catch (error) {
    await remove().catch(() => undefined);
    throw error;
  }
  return scratch;
}

async function waitUntilReady(ctx: AppContext, engine: ContainerEngine, id: string): Promise<void> {
  const deadline = ctx.clock.now() + READY_TIMEOUT_MS;
  const probe = pgIsReadyCommand(5432, 'postgres', SCRATCH_DATABASE);
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

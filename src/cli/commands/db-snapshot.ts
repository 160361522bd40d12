import { spawnDetachedDevenv } from '../../adapters/host/detached-devenv.js';
import {
  listSnapshots,
  refillSnapshots,
  removeSnapshot,
  restoreSnapshot,
  saveSnapshot,
} from '../../app/snapshot/db-snapshot.js';
import { DevenvError } from '../../core/errors.js';
import { snapshotTable } from '../../ui/format-snapshot.js';
import { commonOptions, stackOptions, type Command, type CommandIO, type ParsedCommand } from '../command.js';
import { eventRenderer } from '../event-renderer.js';

const USAGE =
  'devenv db snapshot save NAME [--database DB] [--force] | restore NAME | ls | rm NAME  [--json] [--env NAME] [-f FILE]... [--branch B | --stack S]';

const ACTIONS = ['save', 'restore', 'ls', 'rm'] as const;
/** The background half of save and restore (a detached devenv runs it). */
const REFILL = '__refill';

function usage(message: string): DevenvError {
  return new DevenvError('USAGE', message, { hint: `Usage: ${USAGE}` });
}

/** The flags that name the stack, for the detached refill to address the same one. */
function stackFlags(parsed: ParsedCommand): string[] {
  const v = parsed.values;
  const flags: string[] = [];
  for (const file of Array.isArray(v['file']) ? v['file'] : []) flags.push('-f', String(file));
  for (const profile of Array.isArray(v['profile']) ? v['profile'] : [])
    flags.push('--profile', String(profile));
  for (const key of ['branch', 'stack', 'env'] as const) {
    const value = v[key];
    if (typeof value === 'string') flags.push(`--${key}`, value);
  }
  return flags;
}

function startRefill(ctx: Parameters<Command['run']>[0], parsed: ParsedCommand): void {
  spawnDetachedDevenv(process.argv[1] ?? '', ['db', 'snapshot', REFILL, ...stackFlags(parsed)], {
    cwd: ctx.cwd,
    env: process.env,
  });
}

function oneName(action: string, rest: readonly string[]): string {
  if (rest.length === 0) throw usage(`\`devenv db snapshot ${action}\` needs a snapshot name.`);
  if (rest.length > 1)
    throw usage(`\`devenv db snapshot ${action}\` takes one snapshot name, not ${rest.length}.`);
  return rest[0]!;
}

async function list(
  ctx: Parameters<Command['run']>[0],
  io: CommandIO,
  parsed: ParsedCommand,
): Promise<number> {
  const json = parsed.values['json'] === true;
  if (!json) io.setRenderer(eventRenderer(ctx, io, { json: false }));
  const result = await listSnapshots(ctx, stackOptions(parsed, ctx.env));
  if (json)
    io.stdout(
      JSON.stringify(
        {
          stack: result.stack,
          database: result.database,
          snapshots: result.snapshots.map(({ name, database, sizeBytes, createdAt, ready }) => ({
            name,
            database,
            sizeBytes,
            createdAt,
            ready,
          })),
        },
        null,
        2,
      ),
    );
  else for (const line of snapshotTable(result.stack, result.snapshots)) io.stdout(line);
  return 0;
}

export const dbSnapshotCommand: Command = {
  name: 'db snapshot',
  takesArguments: true,
  summary: "save, restore, list and remove named snapshots of the stack's database",
  usage: USAGE,
  effect: {
    changes: "restores, replaces or removes snapshots of the stack's database",
    // ls reads; a save of a new name adds a copy and changes nothing; the refill is started by a confirmed restore.
    readsWhen: ({ positionals: [action], values }) =>
      action === 'ls' || action === REFILL || (action === 'save' && values['force'] !== true),
  },
  options: {
    ...commonOptions,
    database: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run(ctx, io, parsed) {
    const [action, ...rest] = parsed.positionals;
    if (action === undefined) throw usage(`\`devenv db snapshot\` needs an action: ${ACTIONS.join(', ')}.`);
    const options = stackOptions(parsed, ctx.env);
    if (action === REFILL) {
      await refillSnapshots(ctx, options);
      return 0;
    }
    if (!(ACTIONS as readonly string[]).includes(action))
      throw usage(`Unknown action "${action}" of \`devenv db snapshot\`: one of ${ACTIONS.join(', ')}.`);
    if (action === 'ls') {
      if (rest.length > 0) throw usage('`devenv db snapshot ls` takes no names.');
      return list(ctx, io, parsed);
    }
    const name = oneName(action, rest);
    if (action !== 'save' && typeof parsed.values['database'] === 'string')
      throw usage(
        '--database is for `save` (restore puts a snapshot back into the database it was taken of).',
      );
    io.setRenderer(eventRenderer(ctx, io, { json: parsed.values['json'] === true }));
    if (action === 'save') {
      const force = parsed.values['force'] === true;
      const database = parsed.values['database'];
      await saveSnapshot(ctx, options, {
        name,
        force,
        ...(typeof database === 'string' ? { database } : {}),
      });
      startRefill(ctx, parsed);
      return 0;
    }
    if (action === 'restore') {
      await restoreSnapshot(ctx, options, { name });
      startRefill(ctx, parsed);
      return 0;
    }
    await removeSnapshot(ctx, options, { name });
    return 0;
  },
};

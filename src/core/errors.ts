/**
 * devenv's one error family. Every error a user can meet has a stable code,
 * a message that says what went wrong, a hint with the next step, and an exit code.
 * Anything that is not a DevenvError reaching the top is a bug (see cli/error-handler).
 */
export type ErrorCode =
  | 'COMPOSE_NOT_FOUND'
  | 'COMPOSE_YAML'
  | 'COMPOSE_INVALID'
  | 'COMPOSE_INTERPOLATION'
  | 'COMPOSE_CYCLE'
  | 'COMPOSE_REFERENCE'
  | 'CONFIG_YAML'
  | 'CONFIG_INVALID'
  /** The project's vitest could not start with its config (vitest rejected it, or it failed to load). */
  | 'TEST_CONFIG_INVALID'
  | 'ENGINE_UNREACHABLE'
  /** --engine swarm / engine: swarm on an engine that is not a swarm manager. */
  | 'SWARM_NOT_MANAGER'
  /** A task runs on a swarm node whose engine devenv does not reach (exec, copy): DEVENV_SWARM_NODES. */
  | 'SWARM_NODE_UNREACHABLE'
  /** devenv and a remote engine do not trust each other: a TLS certificate or SSH host key it cannot verify, or the engine refused devenv's certificate or SSH keys. */
  | 'ENGINE_UNTRUSTED'
  /** This Node is older than devenv's package.json `engines.node` (`devenv up`'s quick checks). */
  | 'NODE_UNSUPPORTED'
  | 'ENGINE_ERROR'
  /** The engine's disk (its data root) is full: no space left on device, wherever the engine met it (core/engine-faults.ts). */
  | 'ENGINE_DISK_FULL'
  /** The engine's address pools have no subnet left for another network; names the stale stacks `devenv gc` would free. */
  | 'ENGINE_ADDRESS_POOLS_EXHAUSTED'
  | 'IMAGE_PULL_FAILED'
  | 'IMAGE_NOT_FOUND'
  | 'IMAGE_BUILD_FAILED'
  /** A push to devenv.yaml's `registry:` (a stack on swarm): the registry did not answer or refused it. */
  | 'IMAGE_PUSH_FAILED'
  /** An external command devenv ran for the project (e.g. database.migrate) failed: see CommandFailedError. */
  | 'COMMAND_FAILED'
  /** A statement on the test database server failed (template databases, copies), or a Postgres tool did (db dump/load). */
  | 'DATABASE_ERROR'
  /** `devenv db snapshot restore|rm NAME`: the stack has no snapshot of that name. */
  | 'SNAPSHOT_NOT_FOUND'
  /** `devenv db snapshot save NAME`: the name is taken (--force replaces it). */
  | 'SNAPSHOT_EXISTS'
  /** `devenv db load`: a file that is not a dump devenv can load (missing, compressed, another format). */
  | 'DUMP_INVALID'
  /** `devenv db load` outside prod: the dump carries no anonymization stamp (it may hold production data). */
  | 'DUMP_NOT_ANONYMIZED'
  | 'PORT_TAKEN'
  /** A Postgres data-directory cache could not be built or used: `up` initializes normally (DataCacheError). */
  | 'DATA_CACHE_UNUSABLE'
  | 'SERVICE_FAILED'
  | 'SERVICE_NOT_FOUND'
  | 'STACK_NOT_FOUND'
  | 'STACK_BUSY'
  /** A secret devenv.yaml requires in this environment has no value in any of its sources. */
  | 'SECRET_MISSING'
  /** A secrets file git tracks or would track (not ignored). */
  | 'SECRET_FILE_TRACKED'
  /** A secrets file that cannot be read as KEY=value lines. */
  | 'SECRET_FILE_INVALID'
  /** A secret's `command:` failed, printed nothing usable, or did not finish in time. */
  | 'SECRET_COMMAND_FAILED'
  /** --env / DEVENV_ENV names an environment devenv.yaml does not define. */
  | 'ENV_UNKNOWN'
  /** A protected environment: refused on a local engine, or changed without confirmation. */
  | 'ENV_PROTECTED'
  /** The anonymization rules file: YAML, an unknown rule, or a rule that does not fit the dump's schema (file:line). */
  | 'ANONYMIZE_RULES_INVALID'
  /** Fail closed: a table or column the rules do not cover, or one kept whose content looks personal. */
  | 'ANONYMIZE_UNCOVERED'
  /** The dump to anonymize: missing, unreadable, or pg_restore refused it. */
  | 'ANONYMIZE_INPUT'
  /** A masking statement failed in the scratch database (a constraint, a rule's SQL). */
  | 'ANONYMIZE_FAILED'
  /** A check after masking failed (an original value survives, a row count, a foreign key): nothing was written. */
  | 'ANONYMIZE_CHECK_FAILED'
  /** `devenv init TEMPLATE`: no template of that name. */
  | 'TEMPLATE_UNKNOWN'
  /** `devenv init`: a file of the template already exists (--force overwrites it). */
  | 'FILE_EXISTS'
  /** The preview proxy could not start or take its new configuration. */
  | 'PROXY_FAILED'
  /** `devenv preview`: not in a git repository, an unknown branch, a worktree git refused. */
  | 'PREVIEW_GIT'
  /** A preview on a remote engine bind-mounts files of its worktree (they are on this machine, not there). */
  | 'REMOTE_BIND_MOUNT'
  /** `devenv preview logs/rm`: no preview of that branch. */
  | 'PREVIEW_NOT_FOUND'
  /** A line of a `--json` event stream that is not one of devenv's events (ui/json-event-line.ts). */
  | 'EVENT_INVALID'
  | 'USAGE'
  | 'INTERRUPTED';

export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
  /** Key path inside the document, e.g. services.app.ports[0] */
  path?: string;
}

export interface DevenvErrorOptions {
  hint?: string;
  exitCode?: number;
  location?: SourceLocation;
  cause?: unknown;
  /** Extra lines shown under the message, e.g. a failing service's last log lines. */
  details?: string[];
}

export class DevenvError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: number;
  readonly location: SourceLocation | undefined;
  readonly details: string[];

  constructor(code: ErrorCode, message: string, options: DevenvErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DevenvError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? (code === 'USAGE' ? 2 : code === 'INTERRUPTED' ? 130 : 1);
    this.location = options.location;
    this.details = options.details ?? [];
  }
}

/** An external command that failed: what it is, the command line, how it ended, its last output lines. */
export interface FailedCommand {
  /** What the command is, for the message, e.g. "The test database's migrate command". */
  label: string;
  /** The command line as run. */
  command: string;
  /** Its exit code; undefined when it did not exit normally (a signal, not started). */
  exitCode: number | undefined;
  /** Its last output lines (stdout and stderr interleaved), shown under the message. */
  outputTail: string[];
}

/** COMMAND_FAILED: the command and how it ended stay on the error (as execa's ExecaError keeps them). */
export class CommandFailedError extends DevenvError {
  readonly failed: FailedCommand;

  constructor(failed: FailedCommand, options: Pick<DevenvErrorOptions, 'hint' | 'cause'> = {}) {
    const exit = failed.exitCode === undefined ? '' : ` (exit ${failed.exitCode})`;
    super('COMMAND_FAILED', `${failed.label} failed${exit}: ${failed.command}`, {
      ...options,
      details: failed.outputTail,
    });
    this.failed = failed;
  }
}

/**
 * Why a data-directory cache was not built or used (app/postgres-data-cache.ts). It never
 * ends a command: `up` says so in its `data.cache` event and Postgres initializes as usual.
 */
export class DataCacheError extends DevenvError {
  constructor(message: string, options: Pick<DevenvErrorOptions, 'cause' | 'details'> = {}) {
    super('DATA_CACHE_UNUSABLE', message, {
      ...options,
      hint: 'Nothing to do: Postgres initializes its data directory as usual. `devenv up --no-data-cache` skips the cache.',
    });
  }
}

export function isDevenvError(value: unknown): value is DevenvError {
  return value instanceof DevenvError;
}

/** "compose.yaml:12 services.app.ports[0]" */
export function formatLocation(location: SourceLocation): string {
  const where = location.line === undefined ? location.file : `${location.file}:${location.line}`;
  return location.path ? `${where} (${location.path})` : where;
}

/**
 * Every step of devenv is a typed event on one stream. The plain, JSON and
 * ink renderers all read this stream and nothing else.
 */
import type { ComposeWarning } from '../core/compose/model.js';
import type { HealthState, ProgressUpdate, PublishedPort } from '../contracts/engine.js';
import type { StackChange } from '../contracts/stack-backend.js';
import type { TestToolInfo } from '../contracts/test-runner.js';
import type { AnonymizationStamp } from '../core/data/anonymization-stamp.js';
import type { DumpFormat } from '../core/data/dump-format.js';
import type {
  SelectedTestFile,
  TestCounts,
  TestFileResult,
  TestRunErrorKind,
  TestState,
  TestTrigger,
} from '../core/testing/test-model.js';
import type { InitEvent } from './init/init-events.js';
import type { SnapshotEvent } from './snapshot/snapshot-events.js';
import type { DoctorCheck } from '../core/doctor/checks.js';

// The test domain's values live in core; the event shapes use them unchanged.
export type {
  SelectedTestFile,
  TestCounts,
  TestFailure,
  TestFileResult,
  TestKind,
  TestRunError,
  TestRunErrorKind,
  TestState,
  TestTrigger,
} from '../core/testing/test-model.js';
import type { PhaseTiming } from '../core/timing/phase-timings.js';
import type { AnonymizeResult } from './anonymize/anonymize-dump.js';

interface EventBase {
  /** Milliseconds since the epoch, from the injected clock. */
  time: number;
}

export type DevenvEvent = EventBase &
  (
    | {
        type: 'stack.resolved';
        stack: string;
        project: string;
        branch: string;
        owner: string;
        /** The devenv.yaml environment (dev when none is named). */
        environment: string;
        services: string[];
        endpoint: string;
      }
    | { type: 'warning'; warning: ComposeWarning }
    /** The engine answered: how long connecting and its first answer took. */
    | { type: 'engine.connected'; endpoint: string; version: string; durationMs: number }
    | { type: 'plan'; steps: string[] }
    /** Another devenv process is changing the stack: this one waits for it. */
    | { type: 'stack.waiting'; stack: string; pid: number; host: string; since: string }
    | { type: 'image.pulling'; service: string; image: string; progress: ProgressUpdate }
    | { type: 'image.building'; service: string; image: string; progress: ProgressUpdate }
    | {
        type: 'image.ready';
        service: string;
        image: string;
        source: 'local' | 'pulled' | 'built';
        durationMs: number;
      }
    | { type: 'image.removed'; image: string }
    /** What the stack backend changed: network, volume and container created, started, kept, stopped, removed. */
    | StackChange
    | {
        /**
         * A new Postgres data directory and the cache (app/postgres-data-cache.ts): `restored` from
         * it, `built` (initialized once by a builder, cached, then restored), or `skipped` (Postgres
         * initializes it itself; `reason` says why).
         */
        type: 'data.cache';
        service: string;
        outcome: 'restored' | 'built' | 'skipped';
        /** Where PGDATA lives: a volume created in this up, or the container's own filesystem. */
        placement: 'volume' | 'container';
        /** The cache: an image (volume) or a blob in devenv's cache directory (container); once the key is known. */
        cache?: string;
        durationMs: number;
        reason?: string;
      }
    | { type: 'health.changed'; service: string; health: HealthState | 'probing'; detail?: string }
    | { type: 'service.ready'; service: string; durationMs: number; ports: PublishedPort[]; probe: string }
    | { type: 'service.failed'; service: string; reason: string; logTail: string[] }
    /**
     * The engine restarted a service's container by its restart policy (or is about to): how
     * often so far (the engine's count) and how the run before ended (core/stack/run-end.ts).
     */
    | { type: 'service.restarted'; service: string; restartCount: number; reason: string }
    | { type: 'stack.ready'; stack: string; durationMs: number; env: Record<string, string> }
    | {
        type: 'stack.removed';
        stack: string;
        durationMs: number;
        containers: number;
        networks: number;
        volumes: number;
        /** The stack's volumes left in place (down without --volumes). */
        volumesKept: number;
      }
    | { type: 'log'; service: string; stream: 'stdout' | 'stderr'; line: string }
    | { type: 'info'; message: string }
    | {
        type: 'proxy.synced';
        port: number;
        container: string;
        routes: { stack: string; service: string; host: string; url: string }[];
      }
    | { type: 'stack.urls'; stack: string; urls: { service: string; url: string }[] }
    | { type: 'proxy.removed'; port: number; container: string; reason: string }
    | {
        type: 'preview.worktree';
        branch: string;
        dir: string;
        commit: string;
        action: 'created' | 'updated' | 'unchanged';
      }
    | { type: 'preview.removed'; branch: string; stack: string; reason?: string }
    /** `devenv doctor`: one check judged (and, with --fix, what was done about it). */
    | { type: 'doctor.check'; check: DoctorCheck }
    | { type: 'engine.reconnected'; service: string }
    | { type: 'error'; code: string; message: string; hint?: string }
    // `devenv db` on the stack's database (see app/database)
    /** Sessions on the stack's database were ended so it could be replaced; one application name per session. */
    | { type: 'database.connections.ended'; database: string; applications: string[] }
    /** Bytes of a dump written, or of a file loaded, so far (every few seconds of a long one). */
    | { type: 'database.progress'; action: 'dump' | 'load'; bytes: number; totalBytes?: number }
    | {
        type: 'database.seeded';
        stack: string;
        database: string;
        /** The seed command (database.seed), when the seed is one. */
        command?: string;
        /** The SQL files run, in order (database.seed.sql), when the seed is files. */
        files?: string[];
        durationMs: number;
      }
    | {
        type: 'database.reset';
        stack: string;
        database: string;
        /** What the new database was made from: a copy of the migrate-once template, or empty (then seeded when there is a seed). */
        source: 'template' | 'empty';
        seeded: boolean;
        durationMs: number;
      }
    | {
        type: 'database.dumped';
        stack: string;
        database: string;
        /** The file written; '-' for stdout. */
        file: string;
        format: DumpFormat;
        bytes: number;
        durationMs: number;
      }
    | {
        type: 'database.loaded';
        stack: string;
        database: string;
        file: string;
        format: DumpFormat;
        bytes: number;
        /** The dump's anonymization stamp, when it was checked and found. */
        stamp?: AnonymizationStamp;
        /** Why the stamp was not checked: a prod environment, or the user said the data is not production's. */
        unchecked?: 'prod' | 'not-production-data';
        durationMs: number;
      }
    // watch mode and test runs (see app/testing)
    | { type: 'watcher.ready'; root: string; watched: number }
    /** Which test tool runs the tests (its version, the project's or devenv's own, and why), once per session. */
    | ({ type: 'test.runner' } & TestToolInfo)
    | { type: 'files.changed'; files: string[] }
    | {
        type: 'test.run.started';
        runId: string;
        trigger: TestTrigger;
        selected: SelectedTestFile[];
      }
    | { type: 'test.file.result'; runId: string; result: TestFileResult }
    | {
        type: 'test.run.finished';
        runId: string;
        counts: TestCounts;
        durationMs: number;
        /** From the run's start to the first failing file's result, when a file failed. */
        firstFailureMs?: number;
        files: { file: string; state: TestState }[];
        /** How many test.run.error events the run had (a run with any failed). */
        errors?: number;
      }
    | { type: 'test.run.cancelled'; runId: string; reason: string }
    /** The test database's migrate-once template was built for a lease (its inputs changed, or none existed). */
    | { type: 'test.database.ready'; template: string; outcome: 'built'; durationMs: number }
    /** --timings: the phases so far (core/timing/phase-timings.ts), after the stack is ready or the first test run. */
    | { type: 'timings'; phases: PhaseTiming[] }
    /**
     * Something went wrong outside any test: a worker died (`crash`), vitest caught an error outside
     * tests (`unhandled`), or the run made no progress for tests.stallTimeout (`stall`, the run then
     * ends). `files` are those it was running, when known.
     */
    | { type: 'test.run.error'; runId: string; kind: TestRunErrorKind; message: string; files: string[] }
    // devenv db snapshot
    | SnapshotEvent
    // devenv db anonymize (see app/anonymize)
    | {
        type: 'anonymize.step';
        step: AnonymizeStep;
        state: 'started' | 'done';
        /** What the step did or works on, e.g. the image, the restored tables. */
        detail?: string;
        durationMs?: number;
      }
    /** One check after masking (the stamp lists those that passed). */
    | { type: 'anonymize.check'; check: string; passed: boolean; summary: string; problems: string[] }
    /** The stamped dump written (app/anonymize/anonymize-dump.ts's result). */
    | ({ type: 'anonymize.done' } & AnonymizeResult)
    | InitEvent
  );

/** The steps of `devenv db anonymize`, in order. */
export type AnonymizeStep = 'scratch' | 'restore' | 'mask' | 'verify' | 'dump' | 'cleanup';

export type DevenvEventType = DevenvEvent['type'];

/** Distributes each event to all listeners of the stream. */
export interface EventSink {
  emit(event: DevenvEvent): void;
}

/** What a use-case uses to emit: fills in the time. */
export type Emit = (event: DistributiveOmit<DevenvEvent, 'time'>) => void;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

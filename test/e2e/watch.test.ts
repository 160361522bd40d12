/**
 * `devenv watch` as a user runs it, on a temp vitest project (no compose
 * file: watch and unit tests work without a stack). Every edit waits for
 * watcher.ready first, and every assertion reads the JSON events; nothing
 * sleeps for correctness.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DevenvEvent } from '../../src/app/events.js';
import type { EventLog } from '../support/event-log.js';
import { startWatchSession, type WatchSession } from '../support/watch-session.js';

type Event = DevenvEvent;

function started(events: Event[]): Extract<Event, { type: 'test.run.started' }> {
  const run = events.filter((e) => e.type === 'test.run.started').at(-1);
  if (!run || run.type !== 'test.run.started') throw new Error('no test.run.started');
  return run;
}

function resultsOf(events: Event[], runId: string): string[] {
  return events
    .filter(
      (e): e is Extract<Event, { type: 'test.file.result' }> =>
        e.type === 'test.file.result' && e.runId === runId,
    )
    .map((e) => `${e.result.file}:${e.result.state}`)
    .sort();
}

const isFinished = (e: Event) => e.type === 'test.run.finished';

let session: WatchSession;
let dir: string;
let log: EventLog;

beforeAll(async () => {
  session = await startWatchSession('devenv-watch-');
  ({ dir, log } = session);
});

afterAll(async () => session?.stop());

// A failure in CI says what the session did: its events so far.
afterEach(({ task }) => {
  if (task.result?.state === 'fail') console.error(`devenv's events so far:\n${log.dump()}`);
});

describe('devenv watch', () => {
  it('reruns only the tests that import an edited source file', async () => {
    await writeFile(
      join(dir, 'src/math.ts'),
      'export function add(a: number, b: number): number {\n  return b + a;\n}\n',
    );
    const events = await log.until(isFinished);
    const run = started(events);
    expect(run.trigger.files).toEqual(['src/math.ts']);
    expect(run.selected).toEqual([
      {
        file: 'test/unit/math.test.ts',
        kind: 'unit',
        reasons: ['imports src/math.ts (src/math.ts <- test/unit/math.test.ts)'],
      },
    ]);
    expect(resultsOf(events, run.runId)).toEqual(['test/unit/math.test.ts:pass']);
  });

  it('follows imports through other modules', async () => {
    await writeFile(
      join(dir, 'src/strings.ts'),
      'export function shout(text: string): string {\n  return `${text.toUpperCase()}?`;\n}\n',
    );
    const events = await log.until(isFinished);
    const run = started(events);
    expect(run.selected.map((s) => `${s.file} <- ${s.reasons.join('; ')}`)).toEqual([
      'test/unit/format.test.ts <- imports src/strings.ts (src/strings.ts <- src/format.ts <- test/unit/format.test.ts)',
      'test/unit/strings.test.ts <- imports src/strings.ts (src/strings.ts <- test/unit/strings.test.ts)',
    ]);
    // The edit broke both: failures carry the message and file:line.
    expect(resultsOf(events, run.runId)).toEqual([
      'test/unit/format.test.ts:fail',
      'test/unit/strings.test.ts:fail',
    ]);
    const failed = events.find(
      (e) => e.type === 'test.file.result' && e.result.file === 'test/unit/strings.test.ts',
    );
    expect(failed?.type === 'test.file.result' && failed.result.failures[0]).toMatchObject({
      test: 'shouts',
      location: 'test/unit/strings.test.ts:5',
    });
  });

  it('runs an edited test file alone', async () => {
    await writeFile(
      join(dir, 'test/unit/strings.test.ts'),
      "import { expect, test } from 'vitest';\nimport { shout } from '../../src/strings.js';\n\ntest('shouts', () => {\n  expect(shout('hi')).toBe('HI?');\n});\n",
    );
    const events = await log.until(isFinished);
    const run = started(events);
    expect(run.selected).toEqual([{ file: 'test/unit/strings.test.ts', kind: 'unit', reasons: ['changed'] }]);
    expect(resultsOf(events, run.runId)).toEqual(['test/unit/strings.test.ts:pass']);
  });

  it("sees an editor's atomic save (write elsewhere, rename over) as one change", async () => {
    const temporary = join(dir, 'src/.math.ts.tmp');
    await writeFile(temporary, 'export function add(a: number, b: number): number {\n  return a + b;\n}\n');
    await rename(temporary, join(dir, 'src/math.ts'));
    const events = await log.until(isFinished);
    const run = started(events);
    expect(run.selected.map((s) => s.file)).toEqual(['test/unit/math.test.ts']);
    expect(resultsOf(events, run.runId)).toEqual(['test/unit/math.test.ts:pass']);
  });

  it('cancels a run when a file changes during it, and reports only the new run', async () => {
    // A new test that hangs: its run cannot end by itself.
    await writeFile(
      join(dir, 'test/unit/slow.test.ts'),
      "import { test } from 'vitest';\n\ntest('slow', () => new Promise<void>((resolve) => setTimeout(resolve, 600_000)), 900_000);\n",
    );
    const first = started(await log.until((e) => e.type === 'test.run.started'));
    expect(first.selected.map((s) => s.file)).toEqual(['test/unit/slow.test.ts']);

    // During that run: make the test quick and touch a source file.
    await writeFile(
      join(dir, 'test/unit/slow.test.ts'),
      "import { expect, test } from 'vitest';\n\ntest('slow', () => expect(1).toBe(1));\n",
    );
    await writeFile(
      join(dir, 'src/math.ts'),
      'export function add(a: number, b: number): number {\n  return a + b + 0;\n}\n',
    );

    const events = await log.until((e) => isFinished(e) && e.runId !== first.runId);
    // The first run is cancelled (and any run a second event of the same save started meanwhile).
    const cancelled = events.flatMap((e) => (e.type === 'test.run.cancelled' ? [e.runId] : []));
    expect(cancelled[0]).toBe(first.runId);
    // Nothing of a cancelled run is reported, and nothing of it after the cancel.
    for (const runId of cancelled) {
      expect(resultsOf(events, runId)).toEqual([]);
      expect(events.some((e) => e.type === 'test.run.finished' && e.runId === runId)).toBe(false);
    }
    const second = started(events);
    expect(second.selected.map((s) => s.file)).toEqual(['test/unit/math.test.ts', 'test/unit/slow.test.ts']);
    expect(resultsOf(events, second.runId)).toEqual([
      'test/unit/math.test.ts:pass',
      'test/unit/slow.test.ts:pass',
    ]);
  });

  it('leaves out build output and what .gitignore ignores', async () => {
    await mkdir(join(dir, 'generated'), { recursive: true });
    await mkdir(join(dir, 'dist'), { recursive: true });
    await writeFile(join(dir, 'generated/out.ts'), 'export {};\n');
    await writeFile(join(dir, 'dist/math.js'), 'export {};\n');
    await writeFile(
      join(dir, 'src/math.ts'),
      'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
    );
    const events = await log.until(isFinished);
    const changed = events.flatMap((e) => (e.type === 'files.changed' ? e.files : []));
    expect(changed).toEqual(['src/math.ts']);
  });
});

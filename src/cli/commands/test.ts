import { existsSync } from 'node:fs';
import path from 'node:path';
import { changedFilesSince } from '../../adapters/git/changed-files.js';
import type { TestKind } from '../../app/events.js';
import { runTestsOnce, type RunTestsOnceOptions } from '../../app/testing/run-tests-once.js';
import { DevenvError } from '../../core/errors.js';
import { runFailed } from '../../core/testing/run-summary.js';
import { stackTestDatabase } from '../../app/testing/stack-test-database.js';
import { commonOptions, stackOptions, type Command } from '../command.js';
import { eventRenderer } from '../event-renderer.js';
import { timingsRecorder } from '../timings-recorder.js';

export const testCommand: Command = {
  name: 'test',
  takesArguments: true,
  effect: {
    changes: 'runs integration tests against the stack and creates test databases there',
    readOnlyWith: ['unit'],
  },
  summary: 'run the tests once (unit on the host, integration against the stack); exit 1 on failures',
  usage:
    'devenv test [--unit | --integration | --all] [--changed [REF]] [FILES...] [--timings] [--json] [-f FILE]... [--branch B | --stack S]',
  options: {
    ...commonOptions,
    unit: { type: 'boolean' },
    integration: { type: 'boolean' },
    all: { type: 'boolean' },
    changed: { type: 'boolean' },
    timings: { type: 'boolean' },
  },
  async run(ctx, io, parsed) {
    const v = parsed.values;
    const plain = eventRenderer(ctx, io, { json: v['json'] === true });
    // --timings: the template database and the run, after the run.
    const timings = v['timings'] === true ? timingsRecorder(plain, () => ctx.clock.now()) : undefined;
    io.setRenderer(timings?.render ?? plain);
    const chosen = (['unit', 'integration', 'all'] as const).filter((flag) => v[flag] === true);
    if (chosen.length > 1)
      throw new DevenvError('USAGE', `--${chosen.join(' and --')} exclude each other.`, {
        hint: 'Pick one of --unit, --integration, --all.',
      });
    const kinds: TestKind[] =
      chosen[0] === 'unit'
        ? ['unit']
        : chosen[0] === 'integration'
          ? ['integration']
          : ['unit', 'integration'];
    const options: RunTestsOnceOptions = {
      stack: stackOptions(parsed, ctx.env),
      kinds,
      // Asked for by name: a stack that is not running is an error; otherwise integration tests are skipped with a note.
      missingStack: chosen.length > 0 ? 'error' : 'skip',
      // One run: no ready copies made ahead only to be dropped at exit.
      testDatabase: stackTestDatabase(ctx, stackOptions(parsed, ctx.env), { poolSize: 0 }),
    };
    let files = parsed.positionals;
    if (v['changed'] === true) {
      // `--changed REF`: parseArgs leaves REF as the first positional; a path that exists is a file instead.
      const [first, ...rest] = files;
      const ref = first !== undefined && !existsSync(path.resolve(ctx.cwd, first)) ? first : undefined;
      if (ref !== undefined) files = rest;
      const changed = await changedFilesSince(ctx.cwd, ref ?? 'HEAD');
      options.changed = {
        files: [...changed, ...files],
        reason: `changed vs ${ref ?? 'HEAD'} (git, untracked included)`,
      };
    } else options.files = files;
    const outcome = await runTestsOnce(ctx, options);
    timings?.flush();
    // A crash, a stall or a file that did not run is a failure, not a pass with files missing.
    return runFailed(outcome.counts, outcome.files, outcome.errors ?? []) ? 1 : 0;
  },
};

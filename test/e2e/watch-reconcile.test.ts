/**
 * `devenv watch` with a running stack: a change to the compose template
 * reconciles the stack (only the changed service is recreated), then the
 * integration tests rerun against it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv, spawnDevenv } from '../support/cli.js';
import { vitestProject, type TempProject } from '../support/projects.js';
import { reapBranchPrefix, runPrefix } from '../support/engine-state.js';
import { EventLog } from '../support/event-log.js';

const prefix = runPrefix();
const branch = `${prefix}-reconcile`;
let project: TempProject;
let dir: string;
let child: ResultPromise | undefined;

const compose = (level: string) => `services:
  cache:
    image: \${REDIS_IMAGE:-redis:7}
    environment: { CACHE_URL: redis://cache:6379, LEVEL: ${level} }
    ports: ["6379"]
  other:
    image: \${REDIS_IMAGE:-redis:7}
`;

beforeAll(async () => {
  project = await vitestProject(
    {
      'package.json': '{ "name": "reconcile", "private": true, "type": "module" }\n',
      'compose.yaml': compose('one'),
      'test/integration/level.test.ts':
        "import { expect, test } from 'vitest';\ntest('sees the stack', () => { expect(process.env.CACHE_URL).toMatch(/^redis:\\/\\/127\\.0\\.0\\.1:\\d+$/); expect(process.env.LEVEL).toBe('two'); });\n",
    },
    'devenv-reconcile-',
  );
  dir = project.dir;
  const up = await devenv(dir, ['up', '-d', '--branch', branch]);
  expect(up.exitCode, up.stdout + up.stderr).toBe(0);
});

afterAll(async () => {
  child?.kill('SIGINT');
  await child;
  await reapBranchPrefix(prefix);
  await project.remove();
});

describe('watch and the compose template', () => {
  it('reconciles the stack on a template change, then reruns the integration tests', async () => {
    child = spawnDevenv(dir, ['watch', '--json', '--branch', branch]);
    const log = new EventLog(child);
    await log.until((e) => e.type === 'watcher.ready');
    await writeFile(join(dir, 'compose.yaml'), compose('two'));
    const events = await log.until((e) => e.type === 'test.run.finished');
    const plan = events.find((e) => e.type === 'plan');
    expect(plan?.type === 'plan' && plan.steps.filter((s) => s.startsWith('service:'))).toEqual([
      expect.stringMatching(/^service:cache RecreateService .* \(config changed/),
      expect.stringMatching(/^service:other KeepService /),
    ]);
    const started = events.find((e) => e.type === 'test.run.started');
    expect(started?.type === 'test.run.started' && started.selected.map((s) => s.file)).toEqual([
      'test/integration/level.test.ts',
    ]);
    const results = events.flatMap((e) =>
      e.type === 'test.file.result' ? [`${e.result.file}:${e.result.state}`] : [],
    );
    expect(results).toEqual(['test/integration/level.test.ts:pass']);
  });
});

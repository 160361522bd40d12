#!/usr/bin/env node
// Watch mode, measured (not a test). On a small example project
// (test/fixtures/watch-project plus a fixture-driven test):
//
//   (a) latency: save of a source file -> result of its unit tests.
//       `devenv watch` against `vitest --watch` alone, each in its own copy of
//       the project, the same edit alternating between them; medians and ratio.
//       Target: devenv <= vitest + 150 ms, and under 1 s.
//   (c) selection accuracy: deliberate breaking edits; every test file that
//       then fails (full `vitest run`) must be selected by devenv (recall);
//       how many it selected in all (precision), beside `vitest related`.
//
// Usage: npm run build && node bench/watch-latency.mjs [--runs 10]
import { execa } from 'execa';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './support/median.mjs';
import { lineWaiter } from './support/line-waiter.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;
const devenvBin = `${root}bin/devenv`;
const vitestBin = `${root}node_modules/vitest/vitest.mjs`;
const env = { ...process.env, NO_COLOR: '1', CI: 'true' };

/** A copy of the example project, with a test that reads a fixture through fs (invisible to imports). */
async function exampleProject() {
  const dir = await mkdtemp(join(tmpdir(), 'devenv-bench-watch-'));
  await cp(join(root, 'test/fixtures/watch-project'), dir, { recursive: true });
  await rm(join(dir, 'compose.integration.yaml'));
  await rm(join(dir, 'test/integration'), { recursive: true });
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
  await writeFile(join(dir, 'test/unit/words.json'), '["alpha","beta"]\n');
  await writeFile(
    join(dir, 'test/unit/words.test.ts'),
    [
      "import { readFileSync } from 'node:fs';",
      "import { expect, test } from 'vitest';",
      "import { shout } from '../../src/strings.js';",
      '',
      "test('fixture words shout', () => {",
      "  const words = JSON.parse(readFileSync(new URL('./words.json', import.meta.url), 'utf8')) as string[];",
      "  expect(words.map(shout)).toEqual(['ALPHA!', 'BETA!']);",
      '});',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'devenv.yaml'),
    'triggers:\n  - files: ["test/unit/*.json"]\n    run: ["test/unit/words.test.ts"]\n',
  );
  // vitest --watch reports through this reporter: one line per finished run.
  await writeFile(
    join(dir, 'bench-reporter.mjs'),
    'export default class { onTestRunEnd() { process.stdout.write(`BENCH-DONE ${Date.now()}\\n`); } }\n',
  );
  return dir;
}

const mathSource = (variant) =>
  `export function add(a: number, b: number): number {\n  return a + b${' + 0'.repeat(variant % 3)};\n}\n`;

async function latency() {
  const devenvDir = await exampleProject();
  const vitestDir = await exampleProject();
  const devenvChild = execa(process.execPath, [devenvBin, 'watch', '--json'], {
    cwd: devenvDir,
    env,
    reject: false,
  });
  const vitestChild = execa(process.execPath, [vitestBin, '--watch', '--reporter', './bench-reporter.mjs'], {
    cwd: vitestDir,
    env,
    reject: false,
  });
  const nextDevenv = lineWaiter(devenvChild);
  const nextVitest = lineWaiter(vitestChild);
  await nextDevenv((line) => line.includes('"watcher.ready"'));
  await nextVitest((line) => line.startsWith('BENCH-DONE')); // vitest --watch runs everything first
  const samples = { devenv: [], vitest: [] };
  // Where devenv's time goes: save -> batch (watcher + debounce) -> run started (selection) -> finished.
  const stages = { batch: [], selected: [], tests: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const tool of run % 2 === 0 ? ['devenv', 'vitest'] : ['vitest', 'devenv']) {
      const dir = tool === 'devenv' ? devenvDir : vitestDir;
      const start = Date.now();
      await writeFile(join(dir, 'src/math.ts'), mathSource(run + 1));
      let end;
      if (tool === 'devenv') {
        const times = {};
        const line = await nextDevenv((l) => {
          for (const type of ['files.changed', 'test.run.started'])
            if (l.includes(`"${type}"`)) times[type] ??= JSON.parse(l).time;
          return l.includes('"test.run.finished"');
        });
        end = JSON.parse(line).time;
        if (times['files.changed'] && times['test.run.started']) {
          stages.batch.push(times['files.changed'] - start);
          stages.selected.push(times['test.run.started'] - times['files.changed']);
          stages.tests.push(end - times['test.run.started']);
        }
      } else end = Number((await nextVitest((l) => l.startsWith('BENCH-DONE'))).split(' ')[1]);
      samples[tool].push(end - start);
    }
  }
  devenvChild.kill('SIGINT');
  vitestChild.kill('SIGTERM');
  await Promise.all([devenvChild, vitestChild]);
  await Promise.all([
    rm(devenvDir, { recursive: true, force: true }),
    rm(vitestDir, { recursive: true, force: true }),
  ]);
  return { ...samples, stages };
}

const EDITS = [
  { name: 'break add()', file: 'src/math.ts', from: 'a + b', to: 'a - b' },
  { name: 'break shout()', file: 'src/strings.ts', from: '}!`', to: '}?`' },
  { name: 'break banner()', file: 'src/format.ts', from: '== ${', to: '-- ${' },
  { name: 'break a fixture read with fs', file: 'test/unit/words.json', from: 'beta', to: 'gamma' },
];

async function jsonRun(dir, args) {
  const out = join(dir, 'bench-result.json');
  await execa(process.execPath, [vitestBin, ...args, '--reporter', 'json', '--outputFile', out], {
    cwd: dir,
    env,
    reject: false,
  });
  const report = JSON.parse(await readFile(out, 'utf8'));
  return report.testResults.map((result) => ({
    file: result.name.slice(dir.length + 1),
    failed: result.status === 'failed',
  }));
}

async function accuracy() {
  const dir = await exampleProject();
  const rows = [];
  for (const edit of EDITS) {
    const path = join(dir, edit.file);
    const original = await readFile(path, 'utf8');
    await writeFile(path, original.replace(edit.from, edit.to));
    const failing = (await jsonRun(dir, ['run'])).filter((r) => r.failed).map((r) => r.file);
    const related = (await jsonRun(dir, ['related', edit.file, '--run'])).map((r) => r.file);
    const result = await execa(process.execPath, [devenvBin, 'test', edit.file, '--json'], {
      cwd: dir,
      env,
      reject: false,
    });
    const started = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .find((event) => event.type === 'test.run.started');
    const selected = started ? started.selected.map((s) => s.file) : [];
    await writeFile(path, original);
    rows.push({ edit: edit.name, failing, selected, related });
  }
  await rm(dir, { recursive: true, force: true });
  return rows;
}

const samples = await latency();
const d = median(samples.devenv);
const v = median(samples.vitest);
console.log(`(a) save -> unit test result, ${RUNS} runs each, alternating (ms):`);
console.log(`    devenv watch   median ${d}   samples ${samples.devenv.join(' ')}`);
console.log(`    vitest --watch median ${v}   samples ${samples.vitest.join(' ')}`);
console.log(
  `    ratio devenv/vitest ${(d / v).toFixed(2)}; devenv - vitest = ${d - v} ms (target <= 150 ms and devenv < 1000 ms: ${d - v <= 150 && d < 1000 ? 'met' : 'NOT met'})`,
);
const { batch, selected, tests } = samples.stages;
console.log(
  `    devenv stages (medians): save -> batch ${median(batch)} ms, batch -> run started ${median(selected)} ms, run -> finished ${median(tests)} ms`,
);

const rows = await accuracy();
console.log('(c) selection accuracy (test files):');
let recallDevenv = 0;
let recallRelated = 0;
let failingTotal = 0;
let selectedDevenv = 0;
let selectedRelated = 0;
for (const row of rows) {
  const hit = (list) => row.failing.filter((file) => list.includes(file)).length;
  failingTotal += row.failing.length;
  recallDevenv += hit(row.selected);
  recallRelated += hit(row.related);
  selectedDevenv += row.selected.length;
  selectedRelated += row.related.length;
  console.log(
    `    ${row.edit.padEnd(30)} failing ${row.failing.length}  devenv selected ${row.selected.length} (caught ${hit(row.selected)})  vitest related ${row.related.length} (caught ${hit(row.related)})`,
  );
}
const pct = (a, b) => (b === 0 ? 'n/a' : `${Math.round((100 * a) / b)}%`);
console.log(
  `    recall: devenv ${pct(recallDevenv, failingTotal)}, vitest related ${pct(recallRelated, failingTotal)}; precision (failing/selected): devenv ${pct(recallDevenv, selectedDevenv)}, vitest related ${pct(recallRelated, selectedRelated)}`,
);

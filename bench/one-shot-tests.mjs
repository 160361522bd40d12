#!/usr/bin/env node
// One-shot `devenv test FILE` on a real project, measured (not a test), beside
// `vitest related FILE --run` with the project's own vitest, one run each per
// edit, alternating, in one run of this script:
//
//   - wall time per edit for: vitest related; devenv with no graph cache (the
//     first run on a machine, or after the config changed); devenv with the
//     graph cache of the previous runs (the everyday case). Medians and ratios.
//   - time to the first failing file: from process start to the first failing
//     file reported (devenv's JSON event; vitest's "❯ file (N tests | K failed)"
//     line of its default reporter).
//   - recall against the full suite: every file that fails in a full
//     `vitest run` after the edit must be among devenv's selected files.
//
// Each edit breaks one source file (a deliberate bug, listed below), then is
// undone. The project: date-fns at a fixed commit, set up by
// bench/real-project/setup-date-fns.sh (its 250 test files and 3,160 tests).
//
// Usage: npm run build && bench/real-project/setup-date-fns.sh /tmp/date-fns
//        node bench/one-shot-tests.mjs /tmp/date-fns [--no-recall]
import { execa } from 'execa';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './support/median.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const project = process.argv[2];
if (!project) {
  console.error('usage: node bench/one-shot-tests.mjs PROJECT-DIR [--no-recall]');
  process.exit(2);
}
const RECALL = !process.argv.includes('--no-recall');
const devenvBin = `${root}bin/devenv`;
const vitestBin = join(project, 'node_modules/vitest/vitest.mjs');
const env = { ...process.env, NO_COLOR: '1', CI: 'true' };
const graphCache = join(project, 'node_modules/.cache/devenv/import-graph.json');

/**
 * [file, what to replace, with what]: each breaks at least one test. Left out:
 * `differenceInCalendarDays` + 1, which makes another date function loop forever
 * (both tools then run until the 3-minute limit).
 */
const EDITS = [
  [
    'src/addDays/index.ts',
    '_date.setDate(_date.getDate() + amount);',
    '_date.setDate(_date.getDate() + amount); _date.setMilliseconds(1);',
  ],
  ['src/startOfDay/index.ts', '_date.setHours(0, 0, 0, 0);', '_date.setHours(1, 0, 0, 0);'],
  ['src/endOfDay/index.ts', '_date.setHours(23, 59, 59, 999);', '_date.setHours(23, 59, 59, 998);'],
  ['src/isWeekend/index.ts', 'return day === 0 || day === 6;', 'return day === 0;'],
  ['src/getDaysInMonth/index.ts', 'return lastDayOfMonth.getDate();', 'return lastDayOfMonth.getDate() + 1;'],
  ['src/startOfMonth/index.ts', '_date.setDate(1);', '_date.setDate(2);'],
  [
    'src/startOfWeek/index.ts',
    '_date.setDate(_date.getDate() - diff);',
    '_date.setDate(_date.getDate() - diff - 1);',
  ],
  [
    'src/isValid/index.ts',
    'return !((!isDate(date) && typeof date !== "number") || isNaN(+toDate(date)));',
    'return !((!isDate(date) && typeof date !== "number") || isNaN(+toDate(date))) && false;',
  ],
  ['src/addMonths/index.ts', 'if (!amount) {', 'if (!amount && false) {'],
];

const s = (ms) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`);

/** Runs a command, timing the whole run and the first output line that `isFailure` recognizes. */
async function timed(command, args, isFailure) {
  const start = performance.now();
  let firstFailure;
  // A broken date function can make another loop forever: a run is ended after 3 minutes,
  // with every process it started (its own process group).
  const child = execa(command, args, {
    detached: true,
    cwd: project,
    env,
    reject: false,
    all: true,
    buffer: true,
    timeout: 180_000,
  });
  let pending = '';
  child.all.on('data', (chunk) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines)
      if (firstFailure === undefined && isFailure(line)) firstFailure = performance.now() - start;
  });
  const result = await child;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group has already ended.
  }
  return { ms: performance.now() - start, firstFailure, output: String(result.all ?? '') };
}

const vitestFailure = (line) => /^\s*❯ \S+ \(\d+ tests? \| \d+ failed/.test(line);
const devenvFailure = (line) =>
  line.startsWith('{"type":"test.file.result"') && line.includes('"state":"fail"');

function devenvSelected(output) {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{"type":"test.run.started"')) continue;
    return JSON.parse(line).selected.map((s) => s.file);
  }
  return [];
}

async function failingInFullSuite() {
  const out = join(project, '.bench-full.json');
  await execa('node', [vitestBin, 'run', '--reporter=json', `--outputFile=${out}`], {
    cwd: project,
    env,
    reject: false,
  });
  const report = JSON.parse(await readFile(out, 'utf8'));
  await rm(out, { force: true });
  return report.testResults.filter((r) => r.status === 'failed').map((r) => r.name.slice(project.length + 1));
}

const devenvArgs = (file) => ['test', file, '--json'];
// Warm-up (untimed): vitest's and vite's own caches, and devenv's graph cache.
await execa('node', [vitestBin, 'related', 'src/addDays/index.ts', '--run'], {
  cwd: project,
  env,
  reject: false,
});
await execa('node', [devenvBin, ...devenvArgs('src/addDays/index.ts')], { cwd: project, env, reject: false });

const rows = [];
for (const [file, from, to] of EDITS) {
  const path = join(project, file);
  const original = await readFile(path, 'utf8');
  if (!original.includes(from)) throw new Error(`${file}: edit no longer applies (${from})`);
  await writeFile(path, original.replace(from, to));
  try {
    const related = await timed('node', [vitestBin, 'related', file, '--run'], vitestFailure);
    const warm = await timed('node', [devenvBin, ...devenvArgs(file)], devenvFailure);
    await rm(graphCache, { force: true });
    const cold = await timed('node', [devenvBin, ...devenvArgs(file)], devenvFailure);
    const row = { file, related, warm, cold, selected: devenvSelected(warm.output) };
    if (RECALL) {
      const failing = await failingInFullSuite();
      row.failing = failing.length;
      row.missed = failing.filter((f) => !row.selected.includes(f));
    }
    rows.push(row);
    console.log(
      `${file.padEnd(40)} related ${s(related.ms)} (1st fail ${s(related.firstFailure)})  devenv warm ${s(warm.ms)} (1st fail ${s(warm.firstFailure)})  cold ${s(cold.ms)}  selected ${row.selected.length}${RECALL ? `  failing ${row.failing}, missed ${row.missed.length}` : ''}`,
    );
  } finally {
    await writeFile(path, original);
  }
}

const ratio = (key) => median(rows.map((r) => r[key].ms / r.related.ms));
const vitestVersion = JSON.parse(
  await readFile(join(project, 'node_modules/vitest/package.json'), 'utf8'),
).version;
console.log(`\n${rows.length} edits on ${project} (vitest ${vitestVersion}), medians:`);
console.log(
  `  vitest related --run      ${s(median(rows.map((r) => r.related.ms)))}  first failure ${s(median(rows.map((r) => r.related.firstFailure)))}`,
);
console.log(
  `  devenv test, graph cache  ${s(median(rows.map((r) => r.warm.ms)))}  first failure ${s(median(rows.map((r) => r.warm.firstFailure)))}  ratio ${ratio('warm').toFixed(2)}x`,
);
console.log(
  `  devenv test, no cache     ${s(median(rows.map((r) => r.cold.ms)))}  first failure ${s(median(rows.map((r) => r.cold.firstFailure)))}  ratio ${ratio('cold').toFixed(2)}x`,
);
console.log(
  `  first failure, devenv (cache) / vitest related: ${median(rows.map((r) => r.warm.firstFailure / r.related.firstFailure)).toFixed(2)}x`,
);
if (RECALL) {
  const failing = rows.reduce((n, r) => n + r.failing, 0);
  const missed = rows.reduce((n, r) => n + r.missed.length, 0);
  console.log(
    `  recall: ${failing - missed}/${failing} failing files selected (${failing ? (((failing - missed) / failing) * 100).toFixed(1) : '100'} %)`,
  );
}

#!/usr/bin/env node
// Benchmark (not a test): what naming a `build:` image by its inputs costs.
// For each context, the time to hash it (the adapter's digest: the same walk
// and .dockerignore rules as the build's tar, then every file's bytes) against
// a no-op build (every step cached: the engine still receives the whole
// context and checksums it for COPY). Warm file-system cache, medians.
//
//   example       templates/example (5 files)
//   repo          this repository as a context with a .dockerignore (node_modules, .git, dist)
//   repo-all      the same without .dockerignore: node_modules and all (~12,000 files)
//
// Usage: npm run build && node bench/build-inputs.mjs [--runs 5]
//        (needs the engine and stand-in images: bash test/support/prepare-engine.sh)
import { execa } from 'execa';
import { cp, mkdtemp, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync, writeFileSync, realpathSync } from 'node:fs';
import { median } from './support/median.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const { digestBuildContext } = await import(`${root}dist/adapters/docker/context-digest.js`);
const { listBuildContext } = await import(`${root}dist/adapters/docker/build-context.js`);
const { DockerEngine } = await import(`${root}dist/adapters/docker/docker-engine.js`);
const engine = await DockerEngine.connect(process.env);
const label = { 'dev.devenv.bench': `build-inputs-${process.pid}` };

const ms = async (fn) => {
  const start = performance.now();
  await fn();
  return performance.now() - start;
};

/** A copy of the repository (node_modules resolved, .git left out), with a Dockerfile. */
async function repoContext(dockerignore) {
  const dir = await mkdtemp(join(tmpdir(), 'devenv-bench-ctx-'));
  for (const entry of await readdir(root)) {
    if (entry === '.git' || entry === 'bench') continue;
    await cp(realpathSync(join(root, entry)), join(dir, entry), { recursive: true, verbatimSymlinks: true });
  }
  await writeFile(join(dir, 'Dockerfile'), 'FROM devenv-test/debian-base:bookworm\nCOPY . /src\n');
  if (dockerignore) await writeFile(join(dir, '.dockerignore'), dockerignore);
  return dir;
}

async function main() {
  const example = join(root, 'templates/example');
  const repo = await repoContext('node_modules\n.git\ndist\n');
  const repoAll = await repoContext(undefined);
  const contexts = [
    { name: 'example', dir: example, args: { NODE_IMAGE: 'devenv-test/node:20' } },
    { name: 'repo', dir: repo, args: {} },
    { name: 'repo-all', dir: repoAll, args: {} },
  ];
  const results = [];
  try {
    for (const context of contexts) {
      const files = (await listBuildContext(context.dir, 'Dockerfile')).length;
      const tag = `devenv-bench/build-inputs-${context.name}:${process.pid}`;
      const request = {
        contextDir: context.dir,
        dockerfile: 'Dockerfile',
        tag,
        args: context.args,
        labels: label,
      };
      await engine.buildImage(request, () => undefined); // the first build, untimed: later ones are no-ops
      await digestBuildContext(context.dir, 'Dockerfile'); // warm the page cache
      const hash = [];
      const build = [];
      for (let i = 0; i < RUNS; i++) {
        hash.push(await ms(() => digestBuildContext(context.dir, 'Dockerfile')));
        build.push(await ms(() => engine.buildImage(request, () => undefined)));
      }
      const row = {
        context: context.name,
        files,
        hashMs: median(hash),
        noopBuildMs: median(build),
        hash,
        build,
      };
      results.push(row);
      console.log(
        `${context.name.padEnd(9)} ${String(files).padStart(6)} entries  hash ${row.hashMs.toFixed(1)} ms  no-op build ${row.noopBuildMs.toFixed(0)} ms  (hash/build ${(row.hashMs / row.noopBuildMs).toFixed(2)})`,
      );
    }
  } finally {
    const images = await engine.listImages(label, { all: true });
    for (const image of images)
      for (const t of image.tags) await engine.removeImage(t).catch(() => undefined);
    await execa(
      'docker',
      ['image', 'prune', '-f', '--filter', `label=dev.devenv.bench=${label['dev.devenv.bench']}`],
      {
        reject: false,
      },
    );
    await rm(repo, { recursive: true, force: true });
    await rm(repoAll, { recursive: true, force: true });
  }
  mkdirSync(`${root}bench/results`, { recursive: true });
  writeFileSync(
    `${root}bench/results/build-inputs.json`,
    JSON.stringify({ date: new Date().toISOString(), runs: RUNS, results }, null, 2),
  );
}

await main();

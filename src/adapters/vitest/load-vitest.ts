/**
 * Loads the vitest that vitest-choice.ts picks: the project's own (resolved
 * from the project root, so its test files and the runner share one vitest),
 * else the one devenv ships with; either way it says which, from where and why.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import type { TestToolInfo } from '../../contracts/test-runner.js';
import {
  chooseVitest,
  isSupportedMajor,
  majorOf,
  type ProjectVitest,
  type SupportedVitestMajor,
} from './vitest-choice.js';

/**
 * vitest's Node API, typed by the vitest devenv is built against (4). What
 * vitest 3 does differently is typed and handled in vitest-majors.ts.
 */
export type VitestNode = typeof import('vitest/node');

export interface LoadedVitest {
  module: VitestNode;
  major: SupportedVitestMajor;
  tool: TestToolInfo;
}

interface Manifest {
  version?: string;
  exports?: Record<string, { import?: string; default?: string } | string>;
}

/** A vitest install: its directory, version and `vitest/node` entry file. */
interface Install {
  dir: string;
  version: string;
  nodeEntry: string | undefined;
}

function installFrom(require: NodeJS.Require): Install {
  const manifestPath = require.resolve('vitest/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const entry = manifest.exports?.['./node'];
  const relative = typeof entry === 'string' ? entry : (entry?.import ?? entry?.default);
  const dir = path.dirname(manifestPath);
  return {
    dir,
    version: manifest.version ?? 'unknown',
    nodeEntry: relative === undefined ? undefined : path.join(dir, relative),
  };
}

function projectInstall(root: string): Install | undefined {
  try {
    return installFrom(createRequire(path.join(root, 'package.json')));
  } catch {
    return undefined; // Not installed in the project.
  }
}

async function importNode(entry: string): Promise<VitestNode> {
  return (await import(pathToFileURL(entry).href)) as VitestNode;
}

async function bundled(reason: string): Promise<LoadedVitest> {
  const own = installFrom(createRequire(import.meta.url));
  const major = majorOf(own.version);
  if (!isSupportedMajor(major))
    throw new Error(`devenv's own vitest ${own.version} is not a supported major`);
  return {
    module: await import('vitest/node'),
    major,
    tool: { name: 'vitest', version: own.version, source: 'devenv', location: own.dir, reason },
  };
}

export async function loadVitestNode(root: string): Promise<LoadedVitest> {
  const install = projectInstall(root);
  const project: ProjectVitest = install
    ? { installed: true, version: install.version, hasNodeEntry: install.nodeEntry !== undefined }
    : { installed: false };
  const choice = chooseVitest(project);
  if (choice.use === 'devenv') return bundled(choice.reason);
  const { dir, version, nodeEntry } = install as Install;
  let module: VitestNode;
  try {
    module = await importNode(nodeEntry as string);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return bundled(`the project's vitest ${version} failed to load (${message})`);
  }
  return {
    module,
    major: choice.major,
    tool: { name: 'vitest', version, source: 'project', location: dir },
  };
}

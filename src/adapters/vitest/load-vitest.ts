/**
 * Which vitest to drive: the project's own (so its test files and the
 * runner share one vitest), else the one devenv ships with.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';

export type VitestNode = typeof import('vitest/node');

const SUPPORTED_MAJOR = '4';

export async function loadVitestNode(root: string): Promise<{ module: VitestNode; from: string }> {
  try {
    const require = createRequire(path.join(root, 'package.json'));
    const manifestPath = require.resolve('vitest/package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      version: string;
      exports: Record<string, { default?: string } | string>;
    };
    const entry = manifest.exports['./node'];
    const relative = typeof entry === 'string' ? entry : entry?.default;
    if (manifest.version.split('.')[0] === SUPPORTED_MAJOR && relative !== undefined) {
      const file = path.join(path.dirname(manifestPath), relative);
      return {
        module: (await import(pathToFileURL(file).href)) as VitestNode,
        from: path.dirname(manifestPath),
      };
    }
  } catch {
    // Not installed in the project: use devenv's own below.
  }
  return { module: await import('vitest/node'), from: 'devenv' };
}

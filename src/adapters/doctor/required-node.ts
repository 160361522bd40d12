/** The Node versions devenv supports: its package.json `engines.node`. */
import { createRequire } from 'node:module';

export function requiredNode(): string {
  const require = createRequire(import.meta.url);
  const manifest = require('../../../package.json') as { engines?: { node?: string } };
  return manifest.engines?.node ?? '>=20.19.0';
}

/**
 * The security tests' counts (secrets scanned, ports audited, decoys kept),
 * written as JSON to SECURITY_STATS_DIR when it is set, one file per test file,
 * as the fuzz targets write theirs to FUZZ_STATS_DIR (bench/reliability.mjs).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeSecurityStats(name: string, stats: Record<string, unknown>): void {
  const dir = process.env['SECURITY_STATS_DIR'];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `security-${name}.json`), JSON.stringify({ name, ...stats }, null, 2));
}

/** Where `devenv db dump` writes without --out: the stack and the time in the name, the format in the extension. */
import type { DumpFormat } from './dump-format.js';

export function dumpExtension(format: DumpFormat): string {
  return format === 'custom' ? '.dump' : '.sql';
}

/** "myapp-main-alice-3f2a1c-20261130-123456.dump" (UTC). */
export function defaultDumpFile(stack: string, format: DumpFormat, now: number): string {
  const time = new Date(now)
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/-/g, '')
    .replace('T', '-')
    .replace(/:/g, '');
  return `${stack}-${time}${dumpExtension(format)}`;
}

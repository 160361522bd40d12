/**
 * What kind of dump a file is, from its first bytes: pg_dump's custom format
 * starts with "PGDMP"; a plain dump is SQL text. Others are named so the
 * error can say what to do (a gzip to unpack, a tar or directory dump to
 * make again in custom format).
 */

export type DumpFormat = 'custom' | 'plain';

export type DumpDetection =
  { format: DumpFormat } | { format: 'unknown'; kind: 'gzip' | 'tar' | 'empty' | 'binary'; reason: string };

/** Bytes to read from the start of a file for detectDumpFormat and createsDatabase. */
export const DUMP_HEAD_BYTES = 64 * 1024;

const CUSTOM_MAGIC = 'PGDMP';

export function detectDumpFormat(head: Uint8Array): DumpDetection {
  if (head.length === 0) return { format: 'unknown', kind: 'empty', reason: 'the file is empty' };
  if (ascii(head, 0, CUSTOM_MAGIC.length) === CUSTOM_MAGIC) return { format: 'custom' };
  if (head[0] === 0x1f && head[1] === 0x8b)
    return {
      format: 'unknown',
      kind: 'gzip',
      reason: 'the file is gzip-compressed (unpack it with gunzip first)',
    };
  if (head.length >= 262 && ascii(head, 257, 5) === 'ustar')
    return {
      format: 'unknown',
      kind: 'tar',
      reason: "the file is a tar archive (pg_dump's tar format is not supported: dump with --format custom)",
    };
  if (head.includes(0))
    return {
      format: 'unknown',
      kind: 'binary',
      reason: 'the file is neither a custom-format dump (it does not start with PGDMP) nor SQL text',
    };
  return { format: 'plain' };
}

/**
 * Whether a plain dump creates and connects to its own database (pg_dump
 * --create: `CREATE DATABASE ...` and `\connect ...` near the top): loaded
 * with psql it would bypass the fresh database devenv loads into.
 */
export function createsDatabase(headText: string): boolean {
  return /^(CREATE DATABASE |\\connect )/m.test(headText);
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

/**
 * What kind of dump a file is, from its first bytes: pg_dump's custom format
 * starts with "PGDMP"; a plain dump is SQL text. Others are named so the
 * error can say what to do (a gzip to unpack, a tar or directory dump to
 * make again in custom format).
 */

/** What a dump file is, from its first bytes. */
export type DumpKind = 'custom' | 'plain' | 'gzip' | 'tar' | 'empty' | 'binary';

/** The formats `devenv db load` takes (anonymize also takes tar and gzip: see anonymize-dump.ts). */
export type DumpFormat = 'custom' | 'plain';

type OtherKind = Exclude<DumpKind, DumpFormat>;

export type DumpDetection = { format: DumpFormat } | { format: 'unknown'; kind: OtherKind; reason: string };

/** Bytes to read from the start of a file for detectDumpFormat and createsDatabase. */
export const DUMP_HEAD_BYTES = 64 * 1024;

const CUSTOM_MAGIC = 'PGDMP';

export function dumpKind(head: Uint8Array): DumpKind {
  if (head.length === 0) return 'empty';
  if (ascii(head, 0, CUSTOM_MAGIC.length) === CUSTOM_MAGIC) return 'custom';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 262 && ascii(head, 257, 5) === 'ustar') return 'tar';
  if (head.includes(0)) return 'binary';
  return 'plain';
}

/** Why a file of this kind is not a custom or plain dump, with what to do. */
export const dumpKindProblem: Record<OtherKind, string> = {
  empty: 'the file is empty',
  gzip: 'the file is gzip-compressed (unpack it with gunzip first)',
  tar: "the file is a tar archive (pg_dump's tar format is not supported: dump with --format custom)",
  binary: 'the file is neither a custom-format dump (it does not start with PGDMP) nor SQL text',
};

export function detectDumpFormat(head: Uint8Array): DumpDetection {
  const kind = dumpKind(head);
  return kind === 'custom' || kind === 'plain'
    ? { format: kind }
    : { format: 'unknown', kind, reason: dumpKindProblem[kind] };
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

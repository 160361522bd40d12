import { describe, expect, it } from 'vitest';
import { parseAnonymizationStamp } from '../../../src/core/data/anonymization-stamp.js';
import { StampScanner } from '../../../src/core/data/stamp-scanner.js';

const sha = 'b'.repeat(64);
const row = `{"tool": "devenv", "checks": [], "version": 1, "rulesSha256": "${sha}", "anonymizedAt": "2026-01-02T03:04:05Z"}`;
const dump = [
  '--',
  '-- PostgreSQL database dump',
  '--',
  "SET client_encoding = 'UTF8';",
  // A line that starts like the marker but is not it.
  'COPY devenv_anonymization.stamps (x) FROM stdin;',
  '\\.',
  'COPY public.users (id, note) FROM stdin;',
  `1\t${'x'.repeat(20_000)}`,
  '\\.',
  'COPY devenv_anonymization.stamp (stamp) FROM stdin;',
  row,
  '\\.',
  'COPY public.more (id) FROM stdin;',
  '2',
  '\\.',
  '',
].join('\n');

/** The stamp the scanner finds when the dump comes in pieces of `size` bytes, and how much it read. */
function scan(text: string, size: number): { stamp: string | undefined; read: number } {
  const bytes = Buffer.from(text);
  const scanner = new StampScanner();
  for (let at = 0; at < bytes.length; at += size) {
    const found = scanner.push(bytes.subarray(at, at + size));
    if (found !== undefined) return { stamp: found, read: Math.min(at + size, bytes.length) };
  }
  return { stamp: scanner.end(), read: bytes.length };
}

describe('stamp scanner', () => {
  it('finds the stamp statement and its row whatever the chunk boundaries, and stops there', () => {
    for (const size of [1, 2, 7, 33, 34, 64, 4096, 1 << 20]) {
      const { stamp, read } = scan(dump, size);
      expect(parseAnonymizationStamp(stamp ?? '')?.rulesSha256, `chunks of ${size}`).toBe(sha);
      // Nothing is read past the piece that holds the end of the stamp's row.
      const rowEnd = Buffer.byteLength(dump.slice(0, dump.indexOf(row) + row.length + 1));
      expect(read).toBeLessThan(rowEnd + size);
    }
  });

  it('finds an INSERT stamp, and nothing in a dump without one', () => {
    const insert = `SET x = 1;\nINSERT INTO devenv_anonymization.stamp VALUES ('${row}');\n`;
    expect(parseAnonymizationStamp(scan(insert, 5).stamp ?? '')?.rulesSha256).toBe(sha);
    const without = dump.replace(
      'COPY devenv_anonymization.stamp (stamp)',
      'COPY devenv_other.stamp (stamp)',
    );
    expect(scan(without, 100).stamp).toBeUndefined();
  });

  it('reads a stamp statement cut off by the end of the file as it is', () => {
    expect(scan(`COPY devenv_anonymization.stamp (stamp) FROM stdin;\n${row}`, 10).stamp).toContain(sha);
  });
});

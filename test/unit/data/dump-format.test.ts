import { describe, expect, it } from 'vitest';
import { createsDatabase, detectDumpFormat, dumpKind } from '../../../src/core/data/dump-format.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('dump format', () => {
  it('is custom when the file starts with PGDMP, plain for SQL text', () => {
    expect(detectDumpFormat(new Uint8Array([0x50, 0x47, 0x44, 0x4d, 0x50, 0x01, 0x0e, 0x00]))).toEqual({
      format: 'custom',
    });
    expect(
      detectDumpFormat(bytes('--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n')),
    ).toEqual({
      format: 'plain',
    });
  });

  it('names what it is not: gzip, tar, empty, other binary', () => {
    const kind = (head: Uint8Array) => {
      const detected = detectDumpFormat(head);
      return detected.format === 'unknown' ? detected.kind : detected.format;
    };
    expect(kind(new Uint8Array([0x1f, 0x8b, 0x08, 0x00]))).toBe('gzip');
    const tar = new Uint8Array(512);
    tar.set(bytes('toc.dat'), 0);
    tar.set(bytes('ustar'), 257);
    expect(kind(tar)).toBe('tar');
    expect(kind(new Uint8Array())).toBe('empty');
    expect(kind(new Uint8Array([0x00, 0x01, 0x02]))).toBe('binary');
    expect(detectDumpFormat(new Uint8Array([0x1f, 0x8b]))).toMatchObject({
      reason: expect.stringMatching(/gunzip/),
    });
  });

  it('tells every kind apart for anonymize, which restores tar and gzip too', () => {
    const tar = new Uint8Array(512);
    tar.set(bytes('ustar'), 257);
    expect(dumpKind(bytes('PGDMP\x01'))).toBe('custom');
    expect(dumpKind(tar)).toBe('tar');
    expect(dumpKind(new Uint8Array([0x1f, 0x8b, 0x08]))).toBe('gzip');
    expect(dumpKind(bytes('SET x = 1;\n'))).toBe('plain');
    expect(dumpKind(new Uint8Array())).toBe('empty');
    expect(dumpKind(new Uint8Array([0x00, 0x02]))).toBe('binary');
  });

  it('sees a plain dump made with --create (it would connect to its own database)', () => {
    expect(
      createsDatabase("CREATE DATABASE app WITH TEMPLATE = template0 ENCODING = 'UTF8';\n\\connect app\n"),
    ).toBe(true);
    expect(createsDatabase('--\n-- PostgreSQL database dump\n--\nSET lock_timeout = 0;\n')).toBe(false);
    expect(createsDatabase("COMMENT ON DATABASE app IS 'x';\n")).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import {
  parseServiceVolume,
  parseTmpfsEntry,
  volumeTarget,
} from '../../../src/core/compose/volumes-syntax.js';

const paths = { workingDir: '/work/proj', home: '/home/dev' };

describe('volumes short syntax', () => {
  it.each([
    ['data:/var/lib/data', { type: 'volume', source: 'data', target: '/var/lib/data', readOnly: false }],
    ['data:/var/lib/data:ro', { type: 'volume', source: 'data', target: '/var/lib/data', readOnly: true }],
    ['data:/d:nocopy', { type: 'volume', source: 'data', target: '/d', readOnly: false, noCopy: true }],
    ['/only/target', { type: 'volume', target: '/only/target', readOnly: false }],
    ['.:/app', { type: 'bind', source: '/work/proj', target: '/app', readOnly: false, createHostPath: true }],
    [
      './rel:/path:ro',
      { type: 'bind', source: '/work/proj/rel', target: '/path', readOnly: true, createHostPath: true },
    ],
    [
      '../up:/up:rw,z',
      { type: 'bind', source: '/work/up', target: '/up', readOnly: false, createHostPath: true },
    ],
    ['/abs:/p', { type: 'bind', source: '/abs', target: '/p', readOnly: false, createHostPath: true }],
    [
      '~/.ssh:/root/.ssh:ro',
      { type: 'bind', source: '/home/dev/.ssh', target: '/root/.ssh', readOnly: true, createHostPath: true },
    ],
  ])('%s', (entry, expected) => {
    expect(parseServiceVolume(entry, paths)).toEqual(expected);
  });

  it.each([
    ['data:relative', 'invalid volume "data:relative": the container path "relative" must be absolute'],
    ['data:/d:bogus', 'invalid volume "data:/d:bogus": unknown mode "bogus"'],
    ['a:/b:ro:extra', 'invalid volume "a:/b:ro:extra": expected SOURCE:TARGET[:MODE]'],
  ])('rejects %s', (entry, message) => {
    expect(() => parseServiceVolume(entry, paths)).toThrow(message);
  });
});

describe('volumes long syntax', () => {
  it('volume, anonymous volume, bind and tmpfs', () => {
    expect(
      parseServiceVolume({ type: 'volume', source: 'db', target: '/data', volume: { nocopy: true } }, paths),
    ).toEqual({
      type: 'volume',
      source: 'db',
      target: '/data',
      readOnly: false,
      noCopy: true,
    });
    expect(parseServiceVolume({ type: 'volume', target: '/cache' }, paths)).toEqual({
      type: 'volume',
      target: '/cache',
      readOnly: false,
    });
    expect(
      parseServiceVolume(
        { type: 'bind', source: './src', target: '/src', read_only: true, bind: { create_host_path: true } },
        paths,
      ),
    ).toEqual({
      type: 'bind',
      source: '/work/proj/src',
      target: '/src',
      readOnly: true,
      createHostPath: true,
    });
    expect(parseServiceVolume({ type: 'bind', source: '/x', target: '/y' }, paths)).toEqual({
      type: 'bind',
      source: '/x',
      target: '/y',
      readOnly: false,
      createHostPath: false,
    });
    expect(
      parseServiceVolume({ type: 'tmpfs', target: '/tmp', tmpfs: { size: '64m', mode: 1777 } }, paths),
    ).toEqual({
      type: 'tmpfs',
      target: '/tmp',
      sizeBytes: 64 * 1024 * 1024,
      mode: 1777,
    });
    expect(parseServiceVolume({ type: 'tmpfs', target: '/tmp', tmpfs: { size: 1000 } }, paths)).toEqual({
      type: 'tmpfs',
      target: '/tmp',
      sizeBytes: 1000,
    });
  });

  it('rejects unsupported types and bind mounts without source', () => {
    expect(() => parseServiceVolume({ type: 'npipe', source: 'x', target: '/x' }, paths)).toThrow(
      'volume type "npipe" is not supported by devenv (volume, bind or tmpfs)',
    );
    expect(() => parseServiceVolume({ type: 'bind', target: '/x' }, paths)).toThrow(
      'a bind mount needs "source"',
    );
  });
});

describe('tmpfs entries and merge keys', () => {
  it('parses tmpfs options', () => {
    expect(parseTmpfsEntry('/run')).toEqual({ type: 'tmpfs', target: '/run' });
    expect(parseTmpfsEntry('/run:size=1k,mode=755')).toEqual({
      type: 'tmpfs',
      target: '/run',
      sizeBytes: 1024,
      mode: 0o755,
    });
  });

  it('finds the target', () => {
    expect(volumeTarget('a:/b:ro')).toBe('/b');
    expect(volumeTarget('/anon')).toBe('/anon');
    expect(volumeTarget({ type: 'bind', source: '.', target: '/t' })).toBe('/t');
  });
});

import { describe, expect, it } from 'vitest';
import {
  buildInputsHash,
  contentImageTag,
  isContentImageTag,
  type BuildInputs,
} from '../../../src/core/plan/build-inputs.js';
import { stackImageRef } from '../../../src/core/stack/identity.js';

const inputs: BuildInputs = {
  contextDigest: 'a'.repeat(64),
  dockerfile: 'Dockerfile',
  args: { NODE_IMAGE: 'node:20', LEVEL: 'debug' },
  labels: {},
};

describe('buildInputsHash', () => {
  it('is the same for the same inputs, whatever the order args and labels are written in', () => {
    const hash = buildInputsHash(inputs);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(buildInputsHash({ ...inputs, args: { LEVEL: 'debug', NODE_IMAGE: 'node:20' } })).toBe(hash);
    expect(buildInputsHash({ ...inputs, dockerfile: './Dockerfile' })).toBe(hash);
    expect(buildInputsHash({ ...inputs, labels: { b: '2', a: '1' } })).toBe(
      buildInputsHash({ ...inputs, labels: { a: '1', b: '2' } }),
    );
  });

  it('changes with each input: context, Dockerfile, args, target, platform, labels', () => {
    const variants: BuildInputs[] = [
      { ...inputs, contextDigest: 'b'.repeat(64) },
      { ...inputs, dockerfile: 'app.Dockerfile' },
      { ...inputs, args: { ...inputs.args, LEVEL: 'info' } },
      { ...inputs, args: { NODE_IMAGE: 'node:20' } },
      { ...inputs, target: 'dev' },
      { ...inputs, platform: 'linux/arm64' },
      { ...inputs, labels: { team: 'shop' } },
      // A value that holds what would be a separator in a naive join.
      { ...inputs, args: { NODE_IMAGE: 'node:20","LEVEL', LEVEL: 'debug' } },
    ];
    const hashes = new Set([buildInputsHash(inputs), ...variants.map(buildInputsHash)]);
    expect(hashes.size).toBe(variants.length + 1);
  });
});

describe('contentImageTag', () => {
  it('names the image devenv/<project>-<service>:<hash>, never as a stack reference', () => {
    const hash = buildInputsHash(inputs);
    const tag = contentImageTag('Shop App', 'api', hash);
    expect(tag).toBe(`devenv/shop-app-api:${hash}`);
    expect(isContentImageTag(tag)).toBe(true);
    expect(stackImageRef(tag)).toBeUndefined();
    expect(contentImageTag('shop', 'Web', hash)).toMatch(/^devenv\/shop-web-[0-9a-f]{6}:[0-9a-f]{16}$/);
  });

  it('tells content tags from every other name', () => {
    for (const tag of [
      'devenv/shop/app:latest',
      'devenv-shop-main-app:latest',
      'devenv/shop-app:latest',
      'other/shop-app:0123456789abcdef',
      'devenv/shop-app:0123456789abcdef0',
    ])
      expect(isContentImageTag(tag), tag).toBe(false);
  });
});

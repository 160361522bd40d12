import { describe, expect, it } from 'vitest';
import { secretRegistry } from '../../../src/core/secret-registry.js';

describe('secret registry', () => {
  it('masks long values anywhere, short ones only as words of their own, tiny ones never', () => {
    const secrets = secretRegistry(['s3cr3t-value-long', 'pass', 'ab', undefined, null]);
    expect(secrets.mask('token=s3cr3t-value-long; xs3cr3t-value-longx')).toBe('token=****; x****x');
    expect(secrets.mask('postgresql://user:pass@db/app, "pass"')).toBe(
      'postgresql://user:****@db/app, "****"',
    );
    expect(secrets.mask('3 passed, 0 failed; bypass')).toBe('3 passed, 0 failed; bypass');
    expect(secrets.mask('ab cd')).toBe('ab cd');
  });

  it('masks the longest value first, so a secret containing another leaves no part of itself', () => {
    const secrets = secretRegistry();
    secrets.add(['abcd']);
    secrets.add(['xx-abcd-yy-long']);
    expect(secrets.mask('v=xx-abcd-yy-long')).toBe('v=****');
    expect(secrets.values()).toEqual(['xx-abcd-yy-long', 'abcd']);
  });

  it('escapes values that look like patterns', () => {
    const secrets = secretRegistry(['a.b*']);
    expect(secrets.mask('x a.b* y axbb z')).toBe('x **** y axbb z');
  });

  it('masks a value in the URL-encoded form a connection URL carries it in', () => {
    const secrets = secretRegistry(['p@ss/w:rd-long']);
    expect(secrets.mask('postgresql://u:p%40ss%2Fw%3Ard-long@db:5432/app')).toBe(
      'postgresql://u:****@db:5432/app',
    );
    expect(secrets.values()).toEqual(['p%40ss%2Fw%3Ard-long', 'p@ss/w:rd-long']);
  });
});

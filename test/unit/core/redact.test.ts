import { describe, expect, it } from 'vitest';
import {
  maskEnvironment,
  redactEnv,
  redactKnownValues,
  redactUrlPasswords,
} from '../../../src/core/redact.js';

describe('redaction', () => {
  it('masks secret-looking names and URL passwords', () => {
    expect(
      redactEnv({
        POSTGRES_PASSWORD: 'pass',
        API_TOKEN: 't0k3n',
        DATABASE_URL: 'postgresql://user:pass@127.0.0.1:5/db',
        LOG_LEVEL: 'debug',
      }),
    ).toEqual({
      POSTGRES_PASSWORD: '****',
      API_TOKEN: '****',
      DATABASE_URL: 'postgresql://user:****@127.0.0.1:5/db',
      LOG_LEVEL: 'debug',
    });
  });

  it('masks known secret values inside free text', () => {
    expect(redactKnownValues('connecting with s3cr3t-value now', ['s3cr3t-value'])).toBe(
      'connecting with **** now',
    );
    expect(redactUrlPasswords('redis://:hunter22@redis:6379')).toBe('redis://:****@redis:6379');
  });

  it('masks URL passwords in a 2 MB line in linear time (the unbounded pattern was quadratic)', () => {
    const long = `${'a'.repeat(2_000_000)} postgresql://user:s3cret@db:5432/app`;
    expect(redactUrlPasswords(long).endsWith('postgresql://user:****@db:5432/app')).toBe(true);
  });

  it('masks an environment as `devenv env` shows it, and names what it masked', () => {
    const shown = maskEnvironment(
      {
        POSTGRES_PASSWORD: 'pass',
        DATABASE_URL: 'postgresql://user:pass@127.0.0.1:5/db',
        // A secret under a name that does not look secret: known by its value.
        PLAIN_COPY: 'svctok-31c9d2e8',
        UPSTREAM: 'https://svc:svctok-31c9d2e8@upstream.invalid/',
        EMPTY_SECRET: '',
        POSTGRES_PORT: '5432',
      },
      ['svctok-31c9d2e8'],
    );
    expect(shown.env).toEqual({
      POSTGRES_PASSWORD: '****',
      DATABASE_URL: 'postgresql://user:****@127.0.0.1:5/db',
      PLAIN_COPY: '****',
      UPSTREAM: 'https://svc:****@upstream.invalid/',
      EMPTY_SECRET: '',
      POSTGRES_PORT: '5432',
    });
    expect(shown.masked).toEqual(['POSTGRES_PASSWORD', 'DATABASE_URL', 'PLAIN_COPY', 'UPSTREAM']);
  });
});

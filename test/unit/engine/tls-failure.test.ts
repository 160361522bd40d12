import { describe, expect, it } from 'vitest';
import { tlsFailure } from '../../../src/adapters/docker/tls-failure.js';

const at = 'tcp://engine.example:2376';
const failure = (code: string, message = 'x') =>
  tlsFailure(Object.assign(new Error(message), { code }), at, '/certs');

describe('a TLS engine devenv cannot trust, or that refuses devenv', () => {
  it('says the engine certificate is not trusted, naming the CA file checked', () => {
    const error = failure('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate');
    expect(error?.code).toBe('ENGINE_UNTRUSTED');
    expect(error?.message).toMatch(
      /tcp:\/\/engine\.example:2376 presented a TLS certificate devenv does not trust/,
    );
    expect(error?.message).toMatch(/\/certs\/ca\.pem/);
    expect(error?.hint).toMatch(/DOCKER_CERT_PATH/);
    expect(failure('ERR_TLS_CERT_ALTNAME_INVALID')?.message).toMatch(/does not name the host/);
    expect(failure('CERT_HAS_EXPIRED')?.message).toMatch(/validity dates/);
  });

  it('says the engine refused the client certificate, without OpenSSL internals', () => {
    const error = failure('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'error:0A000412:SSL routines:...\n');
    expect(error?.code).toBe('ENGINE_UNTRUSTED');
    expect(error?.message).toBe(
      'The engine at tcp://engine.example:2376 refused devenv’s TLS client certificate (ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE).',
    );
  });

  it('says a port that does not speak TLS, and leaves other errors alone', () => {
    expect(failure('ERR_SSL_WRONG_VERSION_NUMBER')).toMatchObject({ code: 'ENGINE_UNREACHABLE' });
    expect(failure('ECONNREFUSED')).toBeUndefined();
    expect(tlsFailure(new Error('no code'), at, '/certs')).toBeUndefined();
  });
});

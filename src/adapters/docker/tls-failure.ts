/**
 * A TLS engine (tcp:// with DOCKER_TLS_VERIFY / DOCKER_CERT_PATH) that devenv
 * reached but could not trust, or that refused devenv's certificate: said as
 * such (ENGINE_UNTRUSTED), not as an engine that does not answer.
 */
import { DevenvError } from '../../core/errors.js';

/** Node's codes for a server certificate that does not verify against the CA given. */
const untrustedServer = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** What failed on a TLS connection to `endpoint`, or undefined when the error is not about TLS. */
export function tlsFailure(error: unknown, endpoint: string, certDir: string): DevenvError | undefined {
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: string;
    message?: string;
  };
  if (code === undefined) return undefined;
  // OpenSSL's own messages run over several lines of internals: its code says it.
  const reason = message && !code.startsWith('ERR_SSL_') ? `${code}: ${message}` : code;
  if (untrustedServer.has(code)) {
    const names =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? ' Its certificate does not name the host devenv connected to: use the name or address it was issued for.'
        : code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID'
          ? ' Its certificate is outside its validity dates: the engine needs a new one (or check this machine’s clock).'
          : '';
    return new DevenvError(
      'ENGINE_UNTRUSTED',
      `The engine at ${endpoint} presented a TLS certificate devenv does not trust (${reason}), checked against ${certDir}/ca.pem.${names}`,
      {
        hint: 'Point DOCKER_CERT_PATH at the directory holding the ca.pem of the CA that signed the engine’s certificate, with the cert.pem and key.pem it issued for you; `docker --tlsverify version` checks the same files.',
        cause: error,
      },
    );
  }
  if (/^ERR_SSL_.*ALERT/.test(code)) {
    return new DevenvError(
      'ENGINE_UNTRUSTED',
      `The engine at ${endpoint} refused devenv’s TLS client certificate (${reason}).`,
      {
        hint: `The engine accepts client certificates signed by its own CA: put the cert.pem and key.pem it issued for you in ${certDir} (DOCKER_CERT_PATH), with DOCKER_TLS_VERIFY=1.`,
        cause: error,
      },
    );
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO') {
    return new DevenvError(
      'ENGINE_UNREACHABLE',
      `The engine at ${endpoint} does not speak TLS there (${reason}).`,
      {
        hint: 'A TLS engine listens on 2376 by convention, a plain one on 2375: check the port, or unset DOCKER_TLS_VERIFY for a plain engine (previews then need --insecure-engine).',
        cause: error,
      },
    );
  }
  return undefined;
}

/**
 * A docker context by name, as the docker CLI stores it: ~/.docker/contexts/meta/<id>/meta.json
 * ({"Name", "Endpoints": {"docker": {"Host", "SkipTLSVerify"}}}) and its TLS material in
 * ~/.docker/contexts/tls/<id>/docker/{ca,cert,key}.pem. Read into the variables docker itself
 * would use (DOCKER_HOST, DOCKER_CERT_PATH, DOCKER_TLS_VERIFY).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DevenvError } from '../../core/errors.js';

interface ContextMeta {
  Name?: string;
  Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
}

function contextsDir(env: Record<string, string | undefined>, home: string): string {
  return join(env['DOCKER_CONFIG'] || join(home, '.docker'), 'contexts');
}

/** The connection variables of context `name`; ENGINE_UNREACHABLE when there is no such context. */
export function dockerContextEnv(
  name: string,
  env: Record<string, string | undefined>,
  home: string,
): Record<string, string> {
  const dir = contextsDir(env, home);
  const metaDir = join(dir, 'meta');
  const ids = existsSync(metaDir) ? readdirSync(metaDir) : [];
  for (const id of ids) {
    let meta: ContextMeta;
    try {
      meta = JSON.parse(readFileSync(join(metaDir, id, 'meta.json'), 'utf8')) as ContextMeta;
    } catch {
      continue;
    }
    if (meta.Name !== name) continue;
    const host = meta.Endpoints?.docker?.Host;
    if (!host)
      throw new DevenvError('ENGINE_UNREACHABLE', `docker context "${name}" has no docker endpoint.`, {
        hint: `Check it with \`docker context inspect ${name}\`.`,
      });
    const result: Record<string, string> = { DOCKER_HOST: host };
    const tls = join(dir, 'tls', id, 'docker');
    if (existsSync(join(tls, 'ca.pem')) || existsSync(join(tls, 'cert.pem'))) {
      result['DOCKER_CERT_PATH'] = tls;
      if (meta.Endpoints?.docker?.SkipTLSVerify !== true) result['DOCKER_TLS_VERIFY'] = '1';
      else result['DOCKER_TLS'] = '1';
    }
    return result;
  }
  throw new DevenvError(
    'ENGINE_UNREACHABLE',
    `There is no docker context "${name}" (looked in ${metaDir}).`,
    {
      hint: `Create it with \`docker context create ${name} --docker host=...\`, or name an ssh:// or tcp:// engine instead.`,
    },
  );
}

/** The previews' collaborators for the CLI: git through its CLI, records and worktrees under devenv's cache. */
import { join } from 'node:path';
import type { PreviewDeps } from '../contracts/preview-git.js';
import { cacheDirectory } from '../adapters/fs/cache-store.js';
import { previewRecords } from '../adapters/fs/preview-records.js';
import { previewGit } from '../adapters/git/preview-git.js';
import { DevenvError } from '../core/errors.js';

export function previewDeps(env: Record<string, string | undefined>): PreviewDeps {
  const root = join(cacheDirectory(env), 'previews');
  return { git: previewGit, records: previewRecords(join(root, 'records')), root };
}

/**
 * Plain TCP to an engine sends the engine's full control, and the previews' build contexts,
 * unencrypted and unauthenticated: refused unless --insecure-engine says so.
 */
export function refusePlainTcp(engineEnv: Record<string, string | undefined>, insecure: boolean): void {
  const host = engineEnv['DOCKER_HOST'] ?? '';
  if (!/^tcp:\/\//.test(host) || insecure) return;
  const tls = Boolean(engineEnv['DOCKER_TLS_VERIFY']) || engineEnv['DOCKER_TLS'] === '1';
  if (tls) return;
  throw new DevenvError('USAGE', `The engine ${host} is plain TCP, without TLS.`, {
    hint: 'Use TLS (DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH with ca.pem, cert.pem, key.pem) or ssh://, or pass --insecure-engine if this network is trusted.',
  });
}

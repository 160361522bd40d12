/**
 * Finding the Docker engine: DOCKER_HOST when set (unix://, tcp:// with TLS,
 * npipe://, ssh://), else the usual socket locations of Docker Engine, rootless
 * Docker, Docker Desktop, colima and Rancher Desktop. The first that answers wins.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import './deferred-modules.js';
import Dockerode from 'dockerode';
import { DevenvError } from '../../core/errors.js';
import { engineMessage } from './engine-errors.js';
import { dockerContextEnv } from './docker-context.js';

/** Where the engine is and how its published ports are reached from this machine. */
export interface DockerEndpoint {
  /** For humans: "unix:///var/run/docker.sock", "tcp://host:2376". */
  endpoint: string;
  /** Address at which published ports are reachable: 127.0.0.1 for local engines, the remote host otherwise. */
  publishedHost: string;
}

export interface EngineCandidate extends DockerEndpoint {
  options: Dockerode.DockerOptions;
}

export interface ConnectedDocker {
  docker: Dockerode;
  endpoint: DockerEndpoint;
  serverVersion: string;
  apiVersion: string;
}

type Env = Record<string, string | undefined>;

const pingTimeoutMs = 3000;

/**
 * docker-modem merges its own reading of process.env.DOCKER_HOST under the
 * options it is given, so every connection key is set explicitly here.
 */
function options(overrides: Dockerode.DockerOptions): Dockerode.DockerOptions {
  return {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    protocol: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
    timeout: undefined,
    ...overrides,
  };
}

function socketCandidate(path: string): EngineCandidate {
  return { endpoint: `unix://${path}`, publishedHost: '127.0.0.1', options: options({ socketPath: path }) };
}

function hostCandidate(dockerHost: string, env: Env, home: string): EngineCandidate {
  if (dockerHost.startsWith('unix://'))
    return socketCandidate(dockerHost.slice('unix://'.length) || '/var/run/docker.sock');
  if (dockerHost.startsWith('npipe://')) {
    const pipe = dockerHost.slice('npipe://'.length) || '//./pipe/docker_engine';
    return { endpoint: dockerHost, publishedHost: '127.0.0.1', options: options({ socketPath: pipe }) };
  }
  const withScheme = dockerHost.includes('://') ? dockerHost : `tcp://${dockerHost}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (error) {
    throw new DevenvError('ENGINE_UNREACHABLE', `DOCKER_HOST is not a valid address: ${dockerHost}`, {
      hint: 'Set DOCKER_HOST to unix:///path/to/docker.sock, tcp://host:2376 or ssh://user@host, or unset it to use the local socket.',
      cause: error,
    });
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const publishedHost =
    hostname === 'localhost' || hostname === '0.0.0.0' || hostname === '' ? '127.0.0.1' : hostname;
  if (url.protocol === 'ssh:') {
    return {
      endpoint: dockerHost,
      publishedHost,
      options: options({
        protocol: 'ssh',
        host: hostname,
        port: url.port || 22,
        username: url.username || undefined,
        sshOptions: env.SSH_AUTH_SOCK ? { agent: env.SSH_AUTH_SOCK } : {},
      }),
    };
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DevenvError('ENGINE_UNREACHABLE', `DOCKER_HOST uses an unsupported scheme: ${dockerHost}`, {
      hint: 'Use unix://, tcp://, npipe:// or ssh:// in DOCKER_HOST.',
    });
  }
  const tls =
    Boolean(env.DOCKER_TLS_VERIFY) ||
    env.DOCKER_TLS === '1' ||
    url.protocol === 'https:' ||
    url.port === '2376';
  const port = url.port || (tls ? '2376' : '2375');
  const tcp: Dockerode.DockerOptions = { host: hostname, port, protocol: tls ? 'https' : 'http' };
  if (tls) {
    const certDir = env.DOCKER_CERT_PATH || join(home, '.docker');
    const read = (file: string): Buffer | undefined => {
      const path = join(certDir, file);
      if (existsSync(path)) return readFileSync(path);
      if (env.DOCKER_TLS_VERIFY) {
        throw new DevenvError('ENGINE_UNREACHABLE', `DOCKER_TLS_VERIFY is set but ${path} does not exist.`, {
          hint: 'Point DOCKER_CERT_PATH at the directory holding ca.pem, cert.pem and key.pem for this engine.',
        });
      }
      return undefined;
    };
    tcp.ca = read('ca.pem');
    tcp.cert = read('cert.pem');
    tcp.key = read('key.pem');
  }
  return { endpoint: `tcp://${url.host}`, publishedHost, options: options(tcp) };
}

/** What devenv tries, in order. With DOCKER_HOST set, only that (as the docker CLI does). */
export function engineCandidates(env: Env = process.env, home: string = homedir()): EngineCandidate[] {
  // DOCKER_CONTEXT (when DOCKER_HOST is not set), as the docker CLI reads it.
  const context = env.DOCKER_CONTEXT?.trim();
  if (!env.DOCKER_HOST?.trim() && context && context !== 'default')
    env = { ...env, ...dockerContextEnv(context, env, home) };
  const dockerHost = env.DOCKER_HOST?.trim();
  if (dockerHost) return [hostCandidate(dockerHost, env, home)];
  if (process.platform === 'win32') {
    return [
      {
        endpoint: 'npipe:////./pipe/docker_engine',
        publishedHost: '127.0.0.1',
        options: options({ socketPath: '//./pipe/docker_engine' }),
      },
    ];
  }
  const paths = [
    '/var/run/docker.sock',
    env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'docker.sock') : undefined,
    join(home, '.docker', 'run', 'docker.sock'),
    join(home, '.colima', 'default', 'docker.sock'),
    join(home, '.rd', 'docker.sock'),
  ];
  return [...new Set(paths.filter((path): path is string => path !== undefined))].map(socketCandidate);
}

interface VersionAnswer {
  Version?: string;
  ApiVersion?: string;
}

/** Connects to the first engine that answers /version, or throws ENGINE_UNREACHABLE listing what was tried. */
export async function connectDocker(
  env: Env = process.env,
  home: string = homedir(),
): Promise<ConnectedDocker> {
  const candidates = engineCandidates(env, home);
  const tried: string[] = [];
  for (const candidate of candidates) {
    if (
      candidate.options.socketPath &&
      !candidate.options.socketPath.startsWith('//') &&
      !existsSync(candidate.options.socketPath)
    ) {
      tried.push(`${candidate.endpoint} (no such socket)`);
      continue;
    }
    const docker = new Dockerode(candidate.options);
    try {
      const version = (await (
        docker.version as (opts: { abortSignal: AbortSignal }) => Promise<VersionAnswer>
      ).call(docker, {
        abortSignal: AbortSignal.timeout(pingTimeoutMs),
      })) as VersionAnswer;
      return {
        docker,
        endpoint: { endpoint: candidate.endpoint, publishedHost: candidate.publishedHost },
        serverVersion: version.Version ?? 'unknown',
        apiVersion: version.ApiVersion ?? 'unknown',
      };
    } catch (error) {
      const code = (error as { code?: string }).code;
      tried.push(
        `${candidate.endpoint} (${code === 'ABORT_ERR' || (error as Error).name === 'AbortError' ? 'no answer' : (code ?? engineMessage(error))})`,
      );
    }
  }
  const viaDockerHost = Boolean(env.DOCKER_HOST?.trim());
  throw new DevenvError('ENGINE_UNREACHABLE', `No Docker engine answers; tried ${tried.join(', ')}.`, {
    hint: viaDockerHost
      ? 'DOCKER_HOST points at an engine that does not answer: start it, fix DOCKER_HOST, or unset it to use the local socket.'
      : 'Start an engine: `sudo systemctl start docker` (Linux), open Docker Desktop, or run `colima start`; or set DOCKER_HOST to a running engine.',
  });
}

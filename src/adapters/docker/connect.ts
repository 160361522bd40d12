/**
 * Finding the Docker engine: DOCKER_HOST when set (unix://, tcp:// with TLS,
 * npipe://, ssh://), else the usual socket locations of Docker Engine, rootless
 * Docker, Docker Desktop, colima and Rancher Desktop. The first that answers wins.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Agent } from 'node:http';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import './deferred-modules.js';
import Dockerode from 'dockerode';
import { DevenvError } from '../../core/errors.js';
import { engineMessage } from './engine-errors.js';
import { dockerContextEnv } from './docker-context.js';
import { sshLogin } from './ssh-auth.js';
import { sshHttpAgent } from './ssh-tunnel.js';
import { tlsFailure } from './tls-failure.js';

/** Where the engine is and how its published ports are reached from this machine. */
export interface DockerEndpoint {
  /** For humans: "unix:///var/run/docker.sock", "tcp://host:2376". */
  endpoint: string;
  /** Address at which published ports are reachable: 127.0.0.1 for local engines, the remote host otherwise. */
  publishedHost: string;
}

/** dockerode's options, with docker-modem's `agent` (an http.Agent for every request), which @types/dockerode leaves out. */
export type EngineOptions = Dockerode.DockerOptions & { agent?: Agent };

export interface EngineCandidate extends DockerEndpoint {
  options: EngineOptions;
  /** What to tell the user when connecting failed for a reason of TLS's or ssh's own (trust, keys). */
  explain?: (error: unknown) => DevenvError | undefined;
  /** How long the first /version may take (an ssh:// engine opens an SSH session first). */
  pingTimeoutMs?: number;
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
function options(overrides: EngineOptions): EngineOptions {
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
    const port = Number(url.port || 22);
    const username = decodeURIComponent(url.username) || env.USER || userInfo().username;
    const login = sshLogin({ host: hostname, port, username }, env, home);
    const agent = sshHttpAgent({ host: hostname, port, username, sshOptions: login.sshOptions });
    return {
      endpoint: dockerHost,
      publishedHost,
      // Plain HTTP, every connection of it a channel of one SSH connection (ssh-tunnel.ts).
      options: options({
        protocol: 'http',
        host: hostname,
        port,
        agent,
      }),
      explain: (error) => login.explain(error) ?? remoteDockerFailure(dockerHost, agent.remoteStderr()),
      pingTimeoutMs: 15_000,
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
  const certDir = env.DOCKER_CERT_PATH || join(home, '.docker');
  if (tls) {
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
  const endpoint = `tcp://${url.host}`;
  return {
    endpoint,
    publishedHost,
    options: options(tcp),
    ...(tls ? { explain: (error: unknown) => tlsFailure(error, endpoint, certDir) } : {}),
  };
}

/** The remote `docker system dial-stdio` failed (no docker CLI there, no access to its engine): its words. */
function remoteDockerFailure(dockerHost: string, stderr: string | undefined): DevenvError | undefined {
  const said = stderr?.trim();
  if (!said) return undefined;
  return new DevenvError(
    'ENGINE_UNREACHABLE',
    `Logged in over ssh to ${dockerHost}, but \`docker system dial-stdio\` failed there: ${said}`,
    {
      hint: 'The ssh user there needs the docker CLI on its PATH and access to the engine (the docker group, or DOCKER_HOST in its environment); check with `ssh USER@HOST docker version`.',
    },
  );
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
  home: string = env.HOME || homedir(),
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
    let docker: Dockerode;
    try {
      docker = new Dockerode(candidate.options);
    } catch (error) {
      // docker-modem reads DOCKER_CERT_PATH's files itself whenever that variable is set.
      throw new DevenvError(
        'ENGINE_UNREACHABLE',
        `Could not read the engine's TLS files: ${(error as Error).message}.`,
        {
          hint: 'DOCKER_CERT_PATH must name a directory holding ca.pem, cert.pem and key.pem; unset it for an engine without TLS.',
          cause: error,
        },
      );
    }
    try {
      const version = (await (
        docker.version as (opts: { abortSignal: AbortSignal }) => Promise<VersionAnswer>
      ).call(docker, {
        abortSignal: AbortSignal.timeout(candidate.pingTimeoutMs ?? pingTimeoutMs),
      })) as VersionAnswer;
      return {
        docker,
        endpoint: { endpoint: candidate.endpoint, publishedHost: candidate.publishedHost },
        serverVersion: version.Version ?? 'unknown',
        apiVersion: version.ApiVersion ?? 'unknown',
      };
    } catch (error) {
      const explained = candidate.explain?.(error);
      if (explained !== undefined) throw explained;
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

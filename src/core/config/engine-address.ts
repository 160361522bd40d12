/**
 * An environment's `engine:` as written in devenv.yaml: ssh://[user@]host[:port],
 * tcp://host:port (TLS as docker does, via DOCKER_TLS_VERIFY / DOCKER_CERT_PATH),
 * unix:///path, or a docker context name (~/.docker/contexts). And whether an
 * engine endpoint is local: a unix socket (or named pipe) or tcp on loopback.
 */
export type EngineAddress = { kind: 'host'; dockerHost: string } | { kind: 'context'; context: string };

const CONTEXT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/;

/** Why an engine string is not usable, or undefined when it is. */
export function engineProblem(engine: string): string | undefined {
  // The Swarm backend on an engine (core/swarm/swarm-selection.ts): its address or context is checked.
  if (engine === 'swarm') return undefined;
  if (engine.startsWith('swarm:') && !engine.startsWith('swarm://')) {
    const rest = engine.slice('swarm:'.length);
    return rest === '' ? undefined : engineProblem(rest);
  }
  if (!engine.includes('://')) {
    return CONTEXT_NAME.test(engine)
      ? undefined
      : `"${engine}" is neither an engine address (ssh://user@host, tcp://host:2376, unix:///path) nor a docker context name`;
  }
  let url: URL;
  try {
    url = new URL(engine);
  } catch {
    return `"${engine}" is not a valid engine address`;
  }
  if (url.protocol === 'unix:') return url.pathname === '' ? `"${engine}" names no socket path` : undefined;
  if (url.protocol !== 'ssh:' && url.protocol !== 'tcp:')
    return `"${engine}" uses an unsupported scheme ${url.protocol} (use ssh://, tcp:// or unix://)`;
  if (url.hostname === '') return `"${engine}" names no host`;
  if (url.protocol === 'tcp:' && url.port === '') return `"${engine}" needs a port (tcp://host:2376)`;
  if (url.pathname !== '' && url.pathname !== '/') return `"${engine}" must not have a path`;
  return undefined;
}

export function engineAddress(engine: string): EngineAddress {
  return engine.includes('://') ? { kind: 'host', dockerHost: engine } : { kind: 'context', context: engine };
}

/** "unix:///var/run/docker.sock", "tcp://127.0.0.1:2375" -> local; ssh:// and other hosts are not. */
export function isLocalEngineEndpoint(endpoint: string): boolean {
  if (endpoint.startsWith('unix://') || endpoint.startsWith('npipe://')) return true;
  if (!endpoint.startsWith('tcp://')) return false;
  let host: string;
  try {
    host = new URL(endpoint.replace(/^tcp:/, 'http:')).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return false;
  }
  return host === 'localhost' || host === '::1' || /^127\./.test(host) || host === '0.0.0.0';
}

/**
 * The host an engine address's published ports are reached at, as the Docker adapter
 * derives it when it connects: 127.0.0.1 for a unix socket or a loopback host, else the
 * address's host; undefined for a docker context name (known only once it is read).
 */
export function publishedHostOf(engine: string): string | undefined {
  if (engine.startsWith('unix://') || engine.startsWith('npipe://')) return '127.0.0.1';
  if (!engine.includes('://')) return undefined;
  let host: string;
  try {
    host = new URL(engine).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
  return host === '' || host === 'localhost' || host === '0.0.0.0' ? '127.0.0.1' : host;
}

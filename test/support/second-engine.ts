/**
 * A second, real Docker engine in its own network namespace (see
 * second-engine.sh): tests stop and start it as a reboot or `systemctl
 * restart docker` would, without touching the engine other tests share.
 * devenv runs "on" that machine: in the namespace, with DOCKER_HOST at its socket.
 * With `tcp`, it also listens on tcp://ADDRESS:2375, its address in the namespace:
 * from this machine it is a remote engine (not loopback, not a socket). With `tls`,
 * on tcp://ADDRESS:2376 with --tlsverify (certificates the script makes with openssl);
 * with `ssh`, Debian's OpenSSH server listens on ADDRESS:22 in the namespace and its
 * sessions' docker CLI reaches this engine (`docker system dial-stdio`).
 */
import Docker from 'dockerode';
import { execa, type ResultPromise } from 'execa';
import { cliEnv, devenvBin, repoRoot, type CliResult } from './cli.js';

const script = `${repoRoot}test/support/second-engine.sh`;

export interface SecondEngine {
  readonly name: string;
  readonly dockerHost: string;
  /** dockerode on that engine, for checks independent of devenv. */
  readonly docker: Docker;
  start(): Promise<void>;
  /** SIGTERM to dockerd, awaited: it stops its containers first, as on a reboot. */
  stop(): Promise<void>;
  /** Copies images from the main engine (once: the data root is kept between runs). */
  load(...images: string[]): Promise<void>;
  /** Stops the engine and removes its network namespace. */
  remove(): Promise<void>;
  /** Where this machine reaches the namespace (10.230.N.2): the tcp engine's host and its published ports'. */
  address(): Promise<string>;
  /** With `tls`: DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH (the client's ca.pem, cert.pem, key.pem). */
  tlsEnv(): Promise<Record<string, string>>;
  /** A client certificate directory of another CA: neither side trusts the other. */
  otherCa(): Promise<string>;
  /** With `ssh`: the directory holding client_ed25519(.pub) (authorized for root), known_hosts and known_hosts_ecdsa. */
  sshDir(): Promise<string>;
  devenv(cwd: string, args: string[], env?: Record<string, string>): Promise<CliResult>;
  spawnDevenv(cwd: string, args: string[], env?: Record<string, string>): ResultPromise;
}

/** Whether this machine can run one (root, with ip and nsenter). */
export function canRunSecondEngine(): boolean {
  return process.getuid?.() === 0;
}

/**
 * `startEnv`: second-engine.sh's overrides for start (SECOND_ENGINE_DATA_ROOT, SECOND_ENGINE_BIP,
 * SECOND_ENGINE_ARGS), e.g. a small data root or tiny address pools.
 */
export function secondEngine(
  name: string,
  listen: { tcp?: boolean; tls?: boolean; ssh?: boolean } = {},
  startEnv: Record<string, string> = {},
): SecondEngine {
  const mode = listen.tls ? 'tls' : listen.ssh ? 'ssh' : listen.tcp ? 'tcp' : undefined;
  const socket = `/run/${name}.sock`;
  const dockerHost = `unix://${socket}`;
  const run = async (...args: string[]) =>
    String(
      (await execa('bash', [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: startEnv })).stdout,
    );
  /** devenv as a process of that machine: in its network namespace, pointed at its socket. */
  const onMachine = (args: string[]) =>
    ['nsenter', [`--net=/var/run/netns/${name}`, process.execPath, devenvBin, ...args]] as const;
  const options = (cwd: string, env: Record<string, string>) => ({
    cwd,
    env: cliEnv({ ...env, DOCKER_HOST: dockerHost }),
    reject: false as const,
  });
  return {
    name,
    dockerHost,
    docker: new Docker({ socketPath: socket }),
    async start() {
      await run('start', name, ...(mode ? [mode] : []));
    },
    async stop() {
      await run('stop', name);
    },
    async load(...images) {
      for (const image of images) await run('load', name, image);
    },
    async remove() {
      await run('remove', name);
    },
    address: async () => (await run('address', name)).trim(),
    async tlsEnv() {
      const address = (await run('address', name)).trim();
      return {
        DOCKER_HOST: `tcp://${address}:2376`,
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: (await run('certs', name)).trim(),
      };
    },
    otherCa: async () => (await run('other-ca', name)).trim(),
    sshDir: async () => (await run('ssh-dir', name)).trim(),
    async devenv(cwd, args, env = {}) {
      const [file, argv] = onMachine(args);
      const result = await execa(file, argv, { ...options(cwd, env), timeout: 170_000 });
      return {
        exitCode: result.exitCode ?? -1,
        stdout: String(result.stdout),
        stderr: String(result.stderr),
      };
    },
    spawnDevenv(cwd, args, env = {}) {
      const [file, argv] = onMachine(args);
      return execa(file, argv, { ...options(cwd, env), buffer: true });
    },
  };
}

/**
 * The engine API over ssh:// as the docker CLI carries it: each HTTP
 * connection is a `docker system dial-stdio` session on the remote host. One
 * SSH connection per process carries them all (a channel each), and HTTP
 * connections are kept alive and reused, so a command pays one handshake
 * and a few remote `docker` starts. docker-modem's own ssh mode opened a
 * new SSH connection, with its handshake and a new remote process, for
 * every request (1.5-2.5 s each on this machine under load).
 *
 * The TCP socket under the SSH connection is unref'ed while no channel is
 * busy, so an idle connection never keeps devenv from exiting.
 */
import { Agent, type ClientRequest } from 'node:http';
import { createRequire } from 'node:module';
import { connect as tcpConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

interface SshChannel extends Duplex {
  setKeepAlive?: unknown;
}
interface SshClient {
  once(event: 'ready', listener: () => void): SshClient;
  once(event: 'error', listener: (error: Error) => void): SshClient;
  on(event: 'close' | 'error', listener: (error?: Error) => void): SshClient;
  connect(config: Record<string, unknown>): SshClient;
  exec(command: string, callback: (error: Error | undefined, stream: SshChannel) => void): boolean;
  end(): void;
}

/** http.Agent's keep-alive hooks (public, documented, missing from @types/node's class). */
interface KeepAlive {
  keepSocketAlive(socket: Duplex): boolean;
  reuseSocket(socket: Duplex, request: ClientRequest): void;
}

const require = createRequire(import.meta.url);

/** ssh2 as docker-modem resolves it (deferred-modules.ts may hold a stand-in that loads it on first use). */
function ssh2Client(): new () => SshClient {
  const modem = createRequire(require.resolve('dockerode/package.json')).resolve('docker-modem/package.json');
  return (createRequire(modem)('ssh2') as { Client: new () => SshClient }).Client;
}

export interface SshTunnelTarget {
  host: string;
  port: number;
  username: string;
  /** ssh2 connect options: authHandler, hostVerifier, readyTimeout. */
  sshOptions: Record<string, unknown>;
}

export interface SshHttpAgent extends Agent {
  /** What the remote `docker system dial-stdio` last wrote on stderr (e.g. "docker: command not found"). */
  remoteStderr(): string | undefined;
}

/** An http.Agent whose connections are dial-stdio channels of one SSH connection. */
export function sshHttpAgent(target: SshTunnelTarget): SshHttpAgent {
  return new SshAgent(target);
}

class SshAgent extends Agent implements SshHttpAgent {
  private stderr: string | undefined;
  private session: Promise<SshClient> | undefined;
  private socket: Socket | undefined;
  private readonly busy = new Set<Duplex>();
  /** Channels asked for and not yet open: the connection is in use meanwhile. */
  private opening = 0;

  constructor(private readonly target: SshTunnelTarget) {
    // sshd allows 10 sessions per connection (MaxSessions): stay under it.
    super({ keepAlive: true, maxSockets: 8 });
  }

  remoteStderr(): string | undefined {
    return this.stderr;
  }

  private connectSession(): Promise<SshClient> {
    if (this.session) return this.session;
    const Client = ssh2Client();
    const client = new Client();
    const socket = tcpConnect({ host: this.target.host, port: this.target.port });
    this.socket = socket;
    const session = new Promise<SshClient>((resolve, reject) => {
      client.once('ready', () => resolve(client));
      client.once('error', (error) => {
        if (this.session === session) this.session = undefined;
        reject(error);
      });
      client.on('close', () => {
        if (this.session === session) this.session = undefined;
      });
      // Later errors (the connection dropped) reach the channels' requests.
      client.on('error', () => undefined);
      client.connect({
        ...this.target.sshOptions,
        sock: socket,
        host: this.target.host,
        port: this.target.port,
        username: this.target.username,
      });
    });
    this.session = session;
    return session;
  }

  private refresh(): void {
    if (this.busy.size > 0 || this.opening > 0) this.socket?.ref();
    else this.socket?.unref();
  }

  override createConnection(
    _options: unknown,
    callback: (error: Error | null, stream?: Duplex) => void,
  ): undefined {
    this.opening += 1;
    this.refresh();
    const opened = () => {
      this.opening -= 1;
      this.refresh();
    };
    this.connectSession().then(
      (client) =>
        client.exec('docker system dial-stdio', (error, channel) => {
          opened();
          if (error) return callback(error);
          // http's keep-alive calls these on a pooled socket; a channel has no TCP options.
          const socketLike = channel as unknown as Record<string, unknown>;
          for (const method of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref'])
            socketLike[method] ??= () => channel;
          this.busy.add(channel);
          this.refresh();
          (channel as Duplex & { stderr?: Duplex }).stderr?.on('data', (chunk: Buffer) => {
            this.stderr = `${this.stderr ?? ''}${chunk.toString('utf8')}`.slice(-500);
          });
          channel.once('close', () => {
            this.busy.delete(channel);
            this.refresh();
          });
          callback(null, channel);
        }),
      (error: Error) => {
        opened();
        callback(error);
      },
    );
    return undefined;
  }

  override keepSocketAlive(socket: Duplex): boolean {
    this.busy.delete(socket);
    this.refresh();
    return (Agent.prototype as unknown as KeepAlive).keepSocketAlive.call(this, socket);
  }

  override reuseSocket(socket: Duplex, request: ClientRequest): void {
    this.busy.add(socket);
    this.refresh();
    (Agent.prototype as unknown as KeepAlive).reuseSocket.call(this, socket, request);
  }

  override destroy(): void {
    super.destroy();
    void this.session?.then((client) => client.end()).catch(() => undefined);
    this.session = undefined;
  }
}

/**
 * Readiness by the Postgres wire protocol: send a StartupMessage (protocol 3.0)
 * and judge the first reply. An Authentication request ('R') or an error other
 * than 57P03 cannot_connect_now (starting up, shutting down, in recovery) means
 * the server accepts real connections on TCP. Nothing listening, a proxy that
 * closes the connection, or no reply in time: not ready. During the official
 * image's init only a unix-socket server runs, so this stays false until the
 * real server listens on TCP.
 */
import { exchange } from './socket-exchange.js';

export interface PostgresProbeOptions {
  /** Role named in the StartupMessage; "postgres" when not given. */
  user?: string;
  /** Database named in the StartupMessage; the server defaults it to the user's name. */
  database?: string;
}

const protocolVersion3 = 3 << 16;
const cannotConnectNow = '57P03';

function startupMessage(options: PostgresProbeOptions): Buffer {
  const parameters: string[] = ['user', options.user || 'postgres'];
  if (options.database) parameters.push('database', options.database);
  parameters.push('application_name', 'devenv-readiness');
  const body = Buffer.from(`${parameters.join('\0')}\0\0`, 'utf8');
  const message = Buffer.alloc(8 + body.length);
  message.writeInt32BE(message.length, 0);
  message.writeInt32BE(protocolVersion3, 4);
  body.copy(message, 8);
  return message;
}

/** The SQLSTATE ('C' field) of an ErrorResponse body. */
function sqlState(fields: Buffer): string | undefined {
  let offset = 0;
  while (offset < fields.length && fields[offset] !== 0) {
    const type = String.fromCharCode(fields[offset] as number);
    const end = fields.indexOf(0, offset + 1);
    if (end === -1) return undefined;
    if (type === 'C') return fields.toString('utf8', offset + 1, end);
    offset = end + 1;
  }
  return undefined;
}

function judge(received: Buffer): boolean | undefined {
  if (received.length < 1) return undefined;
  const kind = String.fromCharCode(received[0] as number);
  if (kind === 'R') return true;
  if (kind !== 'E') return false;
  if (received.length < 5) return undefined;
  const length = received.readInt32BE(1);
  if (received.length < 1 + length) return undefined;
  const state = sqlState(received.subarray(5, 1 + length));
  return state !== undefined && state !== cannotConnectNow;
}

export function postgresProbe(
  host: string,
  port: number,
  options: PostgresProbeOptions = {},
  signal?: AbortSignal,
): Promise<boolean> {
  return exchange(host, port, startupMessage(options), judge, signal);
}

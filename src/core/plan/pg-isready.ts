/**
 * pg_isready inside a Postgres container, over TCP on its loopback: the entrypoint's temporary
 * init server listens on the Unix socket only, so a TCP answer means the real server is up.
 */
export function pgIsReadyCommand(port: number, user: string, database: string): string[] {
  return ['pg_isready', '-q', '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', database];
}

/** Postgres connection URLs for the template's scratch database and the run copies. */

export interface PostgresEndpoint {
  user: string;
  password: string;
  host: string;
  port: number;
  database: string;
}

export function postgresUrl(endpoint: PostgresEndpoint): string {
  const auth =
    endpoint.password === ''
      ? encodeURIComponent(endpoint.user)
      : `${encodeURIComponent(endpoint.user)}:${encodeURIComponent(endpoint.password)}`;
  return `postgresql://${auth}@${endpoint.host}:${endpoint.port}/${encodeURIComponent(endpoint.database)}`;
}

/** The same URL (scheme, credentials, host, query) pointing at another database; undefined if not a Postgres URL. */
export function withDatabase(url: string, database: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') return undefined;
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

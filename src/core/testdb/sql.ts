/**
 * The SQL devenv sends for template databases. Each entry of a returned list
 * is one statement, sent separately (CREATE/DROP DATABASE cannot run inside a
 * transaction block).
 */

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export const listDevenvDatabases = `SELECT datname FROM pg_database WHERE datname LIKE 'devenv\\_%' ORDER BY datname`;

export function terminateConnections(database: string): string {
  return `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ${quoteLiteral(database)} AND pid <> pg_backend_pid()`;
}

export function createEmptyDatabase(database: string): string[] {
  return [`CREATE DATABASE ${quoteIdent(database)} TEMPLATE template0`];
}

/** Clone the template: nobody may be connected to it meanwhile. */
export function createCopy(copy: string, template: string): string[] {
  return [
    terminateConnections(template),
    `CREATE DATABASE ${quoteIdent(copy)} TEMPLATE ${quoteIdent(template)}`,
  ];
}

/** A finished build becomes the template under its final name, closed to connections. */
export function promoteBuild(build: string, template: string, comment: string): string[] {
  return [
    terminateConnections(build),
    `ALTER DATABASE ${quoteIdent(build)} RENAME TO ${quoteIdent(template)}`,
    `COMMENT ON DATABASE ${quoteIdent(template)} IS ${quoteLiteral(comment)}`,
    `ALTER DATABASE ${quoteIdent(template)} WITH ALLOW_CONNECTIONS false`,
  ];
}

/** A new name for a database nobody is connected to (a pooled copy taken by a run, the spare becoming a build). */
export function renameDatabase(from: string, to: string): string {
  return `ALTER DATABASE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`;
}

/** Drops a database, ending its connections (a test's pool left open does not block it). */
export function dropDatabase(database: string): string[] {
  return [`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`];
}

export function templateComment(database: string): string {
  return `SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = ${quoteLiteral(database)}`;
}

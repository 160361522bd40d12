/**
 * The line of a Postgres client program's output (psql, pg_dump, pg_restore) that
 * says what went wrong: the first ERROR/FATAL/error line without its prefix
 * ("psql:/seed.sql:3: ERROR:  relation ..." -> "relation ..."), else the last line.
 */
export function pgFailureLine(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return (
    lines
      .find((line) => /\b(ERROR|FATAL|error):/.test(line))
      ?.replace(/^.*?\b(?:ERROR|FATAL|error):\s*/, '') ??
    lines.at(-1) ??
    ''
  );
}

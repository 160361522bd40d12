/**
 * The names a new project is given: its package/compose project name (lowercase letters, digits
 * and dashes, as npm and compose both accept) and the database name derived from it.
 */
import { DevenvError } from '../errors.js';

const MAX_LENGTH = 63;

/** A name as typed or taken from the directory ("My App" -> "my-app"); an error when nothing is left. */
export function projectName(raw: string): string {
  const name = raw
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_LENGTH)
    .replace(/-+$/, '');
  if (name === '')
    throw new DevenvError('USAGE', `"${raw}" cannot name a project: it needs a letter or a digit.`, {
      hint: 'Pass --name NAME (letters, digits and dashes), e.g. --name my-service.',
    });
  return name;
}

/** A Postgres identifier for the project's databases: "my-app" -> "my_app", "2fa" -> "db_2fa". */
export function databaseName(name: string): string {
  const snake = name.replace(/-/g, '_');
  return /^[a-z_]/.test(snake) ? snake : `db_${snake}`;
}

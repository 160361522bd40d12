/**
 * devenv.yaml `database.seed: { sql: [GLOBS] }`: the project's SQL files,
 * in path order, each streamed into psql in the Postgres container (the host
 * needs no psql, and a remote engine works the same) as one transaction: a
 * file that fails leaves nothing of itself, and names itself in the error.
 */
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { sqlScriptCommand } from '../../core/data/pg-commands.js';
import { DevenvError } from '../../core/errors.js';
import { projectFilesMatching } from '../testing/template-inputs.js';
import { runPgTool, type PgToolHost } from './pg-tool.js';

/** psql's quiet output is not wanted; its errors come on stderr. */
function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}

/** Runs the files; resolves to their project-relative paths, in the order they ran. */
export async function runSeedSqlFiles(
  host: PgToolHost,
  options: { projectDir: string; globs: readonly string[]; database: string; signal: AbortSignal },
): Promise<string[]> {
  const files = await projectFilesMatching(options.projectDir, options.globs);
  if (files.size === 0)
    throw new DevenvError(
      'CONFIG_INVALID',
      `devenv.yaml database.seed.sql matches no file in ${options.projectDir}: ${options.globs.join(', ')}`,
      { hint: 'Name the SQL files of the seed relative to the project, e.g. sql: ["seeds/*.sql"].' },
    );
  for (const [path, absolute] of files) {
    const output = discard();
    await runPgTool(host, {
      label: `The seed file ${path} (into ${options.database})`,
      command: sqlScriptCommand(host.credentials, options.database),
      stdin: createReadStream(absolute),
      stdout: output,
      signal: options.signal,
      hint: `Fix ${path} and run again: it ran as one transaction, so nothing of it was applied.`,
      interrupted: `Nothing of ${path} was applied.`,
    });
    output.end();
  }
  return [...files.keys()];
}

/**
 * `from: file`: the environment's own secrets file, `secrets.<env>.env`
 * beside devenv.yaml (dotenv lines). Only that environment's file is ever
 * opened. A file git tracks or would track is refused with the fix; one that
 * its group or others can read is a warning. Every value in it is told to
 * the mask before anything else happens, and a line that does not parse is
 * named by its number, never quoted.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDotenv } from '../../core/compose/dotenv.js';
import { DevenvError, isDevenvError } from '../../core/errors.js';
import {
  secretsFileModeWarning,
  secretsFileName,
  trackedSecretsFileError,
  type GitFileStatus,
} from '../../core/secrets/secrets-file.js';
import type { SecretRequest, SecretSource, SecretSourceNotes } from '../../contracts/secret-source.js';

interface ReadFile {
  /** Which version of the file this is: read again when it changed. */
  stamp: string;
  values: Promise<Record<string, string> | undefined>;
}

function parsed(text: string, file: string): Record<string, string> {
  try {
    return parseDotenv(text, { file, lookup: () => undefined });
  } catch (error) {
    if (!isDevenvError(error)) throw error;
    const line = error.location?.line;
    throw new DevenvError(
      'SECRET_FILE_INVALID',
      `${file}${line === undefined ? '' : `:${line}`}: not a KEY=value line (not shown: it may hold a secret).`,
      { hint: `Fix that line of ${file}: NAME=value, one per line ('single quotes' keep a value literal).` },
    );
  }
}

export function fileSecretSource(gitStatus: (file: string) => Promise<GitFileStatus>): SecretSource {
  const files = new Map<string, ReadFile>();

  async function load(
    request: SecretRequest,
    notes: SecretSourceNotes,
  ): Promise<Record<string, string> | undefined> {
    const name = secretsFileName(request.environment);
    const path = join(request.projectDir, name);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) return undefined;
    const stamp = `${info.mtimeMs}:${info.size}:${info.mode}`;
    const known = files.get(path);
    if (known?.stamp === stamp) return known.values;
    const values = (async () => {
      const refused = trackedSecretsFileError(name, await gitStatus(path), request.projectDir);
      if (refused) throw refused;
      const text = await readFile(path, 'utf8');
      // Told before parsing: whatever a broken line holds is masked too.
      notes.onSecretValues(
        text
          .split('\n')
          .flatMap((line) => {
            const at = line.indexOf('=');
            return at < 0
              ? []
              : [
                  line.slice(at + 1).trim(),
                  line
                    .slice(at + 1)
                    .trim()
                    .replace(/^(['"])(.*)\1$/, '$2'),
                ];
          })
          .filter((value) => value !== ''),
      );
      const read = parsed(text, name);
      notes.onSecretValues(Object.values(read));
      const warning = secretsFileModeWarning(name, info.mode);
      if (warning) notes.warn(warning.message, warning.hint);
      return read;
    })();
    files.set(path, { stamp, values });
    values.catch(() => files.delete(path));
    return values;
  }

  return {
    async read(request, notes) {
      const values = await load(request, notes);
      return values !== undefined && Object.hasOwn(values, request.name) ? values[request.name] : undefined;
    },
  };
}

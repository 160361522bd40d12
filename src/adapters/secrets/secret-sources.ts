/** The real secret sources: the environment's secrets file (checked against git), the shell, a command. */
import type { SecretSources } from '../../contracts/secret-source.js';
import { gitFileStatus } from '../git/git-file-status.js';
import { commandSecretSource } from './command-secret-source.js';
import { envSecretSource } from './env-secret-source.js';
import { fileSecretSource } from './file-secret-source.js';

export function hostSecretSources(): SecretSources {
  return { file: fileSecretSource(gitFileStatus), env: envSecretSource, command: commandSecretSource() };
}

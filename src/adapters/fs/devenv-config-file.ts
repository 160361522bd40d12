/** Reads the project's devenv.yaml (if any) into a DevenvConfig with defaults applied. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DevenvConfig } from '../../core/config/devenv-config.js';
import { defaultDevenvConfig, parseDevenvConfig } from '../../core/config/parse-devenv-config.js';

export const DEVENV_CONFIG_FILE = 'devenv.yaml';

/** devenv.yaml of dir parsed and validated; the defaults when the file does not exist. */
export function loadDevenvConfig(dir: string): DevenvConfig {
  const file = path.join(dir, DEVENV_CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return defaultDevenvConfig();
    throw error;
  }
  return parseDevenvConfig({ path: file, file: DEVENV_CONFIG_FILE, text });
}

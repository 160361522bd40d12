/** docker's config file ($DOCKER_CONFIG/config.json, else ~/.docker/config.json): its text, undefined when absent. */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export async function dockerConfigText(
  env: Record<string, string | undefined> = process.env,
  home: string = env['HOME'] || homedir(),
): Promise<string | undefined> {
  try {
    return await readFile(join(env['DOCKER_CONFIG'] || join(home, '.docker'), 'config.json'), 'utf8');
  } catch {
    return undefined;
  }
}

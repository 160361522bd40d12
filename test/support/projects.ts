/** Temp project directories for CLI tests: the example template copied, or a given compose file. */
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from './cli.js';

export interface TempProject {
  dir: string;
  remove(): Promise<void>;
}

export async function tempProject(
  files: Record<string, string>,
  prefix = 'devenv-e2e-',
): Promise<TempProject> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A temp project whose tests run with vitest: the repo's node_modules linked in. */
export async function vitestProject(files: Record<string, string>, prefix: string): Promise<TempProject> {
  const project = await tempProject(files, prefix);
  await symlink(join(repoRoot, 'node_modules'), join(project.dir, 'node_modules'));
  return project;
}

export async function exampleProject(): Promise<TempProject> {
  const project = await tempProject({}, 'devenv-example-');
  await cp(join(repoRoot, 'templates/example'), project.dir, { recursive: true });
  return project;
}

/** Postgres + Redis with 200 ms healthchecks: the seed's data services. */
export const dataServicesCompose = `
services:
  postgres:
    image: \${POSTGRES_IMAGE:-postgres:15}
    environment:
      POSTGRES_USER: user
      POSTGRES_PASSWORD: pass
      POSTGRES_DB: myapp_dev
    ports:
      - "5432:5432"
  redis:
    image: \${REDIS_IMAGE:-redis:7}
    ports:
      - "6379:6379"
`;

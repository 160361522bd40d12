/** The templates `devenv init` scaffolds from (directories of the same name under templates/). */
import { DevenvError } from '../errors.js';

export interface InitTemplate {
  name: string;
  summary: string;
  /** What to run in the new project once it is written, in order. */
  nextSteps: readonly string[];
}

export const INIT_TEMPLATES: readonly InitTemplate[] = [
  {
    name: 'node-postgres-redis',
    summary:
      'a TypeScript HTTP service on Postgres (migrations, seed) and Redis: unit and integration tests, dev/test/staging/prod, a CI pipeline',
    nextSteps: ['npm install', 'devenv up -d', 'devenv test --all'],
  },
  {
    name: 'minimal',
    summary: 'devenv for an existing project: compose.yaml with one service (Postgres) and devenv.yaml',
    nextSteps: ['devenv up -d', 'devenv test --all'],
  },
];

export function initTemplate(name: string): InitTemplate {
  const found = INIT_TEMPLATES.find((template) => template.name === name);
  if (found === undefined)
    throw new DevenvError('TEMPLATE_UNKNOWN', `There is no template "${name}".`, {
      hint: `One of: ${INIT_TEMPLATES.map((template) => template.name).join(', ')} (devenv init --list).`,
      exitCode: 2,
    });
  return found;
}

/**
 * `devenv init`: the template's files rendered for the project's name, planned against what the
 * directory holds (nothing is overwritten without --force, a .gitignore only gains lines), written,
 * then `git init` when asked. Touches no stack.
 */
import type { GitRepository, ScaffoldTarget, TemplateSource } from '../../contracts/scaffold.js';
import { databaseName, projectName } from '../../core/scaffold/project-name.js';
import { renderTemplate } from '../../core/scaffold/render-template.js';
import { planScaffold, scaffoldRefusal } from '../../core/scaffold/scaffold-plan.js';
import { initTemplate } from '../../core/scaffold/template-catalog.js';
import type { Emit } from '../events.js';

export interface InitPorts {
  templates: TemplateSource;
  target: ScaffoldTarget;
  git: GitRepository;
}

export interface InitRequest {
  template: string;
  /** Absolute. */
  dir: string;
  /** The directory as the user named it, for messages and the next steps ("." or "my-app"). */
  shownDir: string;
  name: string;
  /** true: git init (unless already a repository); false: never; undefined: when not inside one. */
  git: boolean | undefined;
  force: boolean;
}

export async function initProject(ports: InitPorts, emit: Emit, request: InitRequest): Promise<void> {
  const template = initTemplate(request.template);
  const name = projectName(request.name);
  const rendered = renderTemplate(await ports.templates.files(template.name), {
    name,
    dbName: databaseName(name),
  });
  const existing = await ports.target.existing(
    request.dir,
    rendered.map((file) => file.path),
  );
  const plan = planScaffold(rendered, existing, { force: request.force });
  const refusal = scaffoldRefusal(plan, request.shownDir);
  if (refusal) throw refusal;
  await ports.target.write(request.dir, plan.steps);
  for (const step of plan.steps) emit({ type: 'init.file', path: step.path, action: step.action });

  if (request.git === false) emit({ type: 'init.git', outcome: 'skipped', reason: 'not wanted' });
  else if (await ports.git.isInsideWorkTree(request.dir))
    emit({ type: 'init.git', outcome: 'skipped', reason: 'already inside a git repository' });
  else {
    try {
      await ports.git.init(request.dir);
      emit({ type: 'init.git', outcome: 'initialized' });
    } catch (error) {
      emit({
        type: 'init.git',
        outcome: 'failed',
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  const cd = ['', '.', './'].includes(request.shownDir) ? [] : [`cd ${request.shownDir}`];
  emit({
    type: 'init.done',
    template: template.name,
    name,
    dir: request.shownDir,
    written: plan.steps.filter((step) => step.action !== 'keep').length,
    nextSteps: [...cd, ...template.nextSteps],
  });
}

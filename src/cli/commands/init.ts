/**
 * `devenv init [TEMPLATE] [DIR]`: a working project from one of devenv's templates. On a terminal
 * it asks what the flags did not say (name, template, git init); otherwise the flags decide.
 */
import { basename, resolve } from 'node:path';
import { initProject } from '../../app/init/init-project.js';
import { fileScaffoldTarget } from '../../adapters/fs/scaffold-target.js';
import { templateDirectory } from '../../adapters/fs/template-directory.js';
import { gitRepository } from '../../adapters/git/git-repository.js';
import { DevenvError } from '../../core/errors.js';
import { projectName } from '../../core/scaffold/project-name.js';
import { INIT_TEMPLATES, initTemplate } from '../../core/scaffold/template-catalog.js';
import { templateList } from '../../ui/format-init.js';
import { eventRenderer } from '../event-renderer.js';
import type { Command, CommandIO, ParsedCommand } from '../command.js';

const USAGE =
  'devenv init [TEMPLATE] [DIR] [--name NAME] [--git | --no-git] [--force] [--json] | devenv init --list';

/** Questions need someone to answer them: a terminal on both ends, not CI, not --json. */
function canAsk(io: CommandIO, env: Record<string, string | undefined>, parsed: ParsedCommand): boolean {
  return (
    io.isTTY &&
    process.stdin.isTTY === true &&
    parsed.values['json'] !== true &&
    (env['CI'] === undefined || env['CI'] === '' || env['CI'] === 'false')
  );
}

function gitFlag(parsed: ParsedCommand): boolean | undefined {
  const yes = parsed.values['git'] === true;
  const no = parsed.values['no-git'] === true;
  if (yes && no)
    throw new DevenvError('USAGE', '--git and --no-git say opposite things: pass one.', {
      hint: `Usage: ${USAGE}`,
    });
  return yes ? true : no ? false : undefined;
}

export const initCommand: Command = {
  name: 'init',
  takesArguments: true,
  effect: 'reads',
  summary: 'a new project from a template (node-postgres-redis, minimal); --list shows them',
  usage: USAGE,
  options: {
    list: { type: 'boolean' },
    name: { type: 'string' },
    git: { type: 'boolean' },
    'no-git': { type: 'boolean' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  async run(ctx, io, parsed) {
    const json = parsed.values['json'] === true;
    if (parsed.values['list'] === true) {
      io.stdout(
        json
          ? JSON.stringify(INIT_TEMPLATES.map(({ name, summary }) => ({ name, summary })))
          : templateList(INIT_TEMPLATES).join('\n'),
      );
      return 0;
    }
    const [templateArg, dirArg, ...extra] = parsed.positionals;
    if (extra.length > 0)
      throw new DevenvError(
        'USAGE',
        `devenv init takes a template and a directory, not "${extra.join(' ')}".`,
        {
          hint: `Usage: ${USAGE}`,
        },
      );
    if (templateArg !== undefined) initTemplate(templateArg);
    const shownDir = dirArg ?? '.';
    const dir = resolve(ctx.cwd, shownDir);
    const nameFlag = typeof parsed.values['name'] === 'string' ? parsed.values['name'] : undefined;
    let git = gitFlag(parsed);
    let template = templateArg;
    let name = nameFlag ?? basename(dir);

    if (
      canAsk(io, ctx.env, parsed) &&
      (template === undefined || nameFlag === undefined || git === undefined)
    ) {
      const { askInitQuestions } = await import('../../ui/ink/init/ask-init.js');
      const answers = await askInitQuestions({
        templates: INIT_TEMPLATES,
        defaults: {
          name: projectName(name),
          template: template ?? INIT_TEMPLATES[0]!.name,
          git: git ?? !(await gitRepository.isInsideWorkTree(ctx.cwd)),
        },
        ask: { name: nameFlag === undefined, template: template === undefined, git: git === undefined },
      });
      if (answers === undefined) {
        io.stderr('devenv init cancelled: nothing was written.');
        return 130;
      }
      ({ name, template } = answers);
      git = answers.git;
    }
    if (template === undefined)
      throw new DevenvError(
        'USAGE',
        'devenv init needs a template here (nobody can be asked: no terminal).',
        {
          hint: `One of: ${INIT_TEMPLATES.map((t) => `devenv init ${t.name} [DIR]`).join(', ')}.`,
        },
      );

    io.setRenderer(eventRenderer(ctx, io, { json }));
    await initProject(
      { templates: templateDirectory(), target: fileScaffoldTarget, git: gitRepository },
      ctx.emit,
      { template, dir, shownDir, name, git, force: parsed.values['force'] === true },
    );
    return 0;
  },
};

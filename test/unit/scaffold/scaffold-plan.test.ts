import { describe, expect, it } from 'vitest';
import { databaseName, projectName } from '../../../src/core/scaffold/project-name.js';
import { renderTemplate, type TemplateFile } from '../../../src/core/scaffold/render-template.js';
import {
  planScaffold,
  scaffoldRefusal,
  type ExistingEntry,
} from '../../../src/core/scaffold/scaffold-plan.js';
import { INIT_TEMPLATES, initTemplate } from '../../../src/core/scaffold/template-catalog.js';

const file = (path: string, content: string, executable = false): TemplateFile => ({
  path,
  content,
  executable,
});
const variables = { name: 'shop-api', dbName: 'shop_api' };

describe('project names', () => {
  it('makes a name npm and compose accept, and a database name from it', () => {
    expect(projectName('My App')).toBe('my-app');
    expect(projectName('  --Shop_API.v2-- ')).toBe('shop-api-v2');
    expect(databaseName('shop-api')).toBe('shop_api');
    expect(databaseName('2fa-service')).toBe('db_2fa_service');
  });

  it('refuses a name with nothing usable in it, naming the flag', () => {
    expect(() => projectName('***')).toThrow(/cannot name a project/);
    try {
      projectName('');
    } catch (error) {
      expect(error).toMatchObject({ code: 'USAGE', hint: expect.stringContaining('--name') });
    }
  });
});

describe('rendering a template', () => {
  it('replaces the placeholders and names _gitignore .gitignore', () => {
    const rendered = renderTemplate(
      [
        file('package.json', '{ "name": "{{name}}" }\n'),
        file('compose.yaml', 'POSTGRES_DB: {{ dbName }}_dev\n'),
        file('_gitignore', 'node_modules/\n'),
        file('scripts/run.sh', '#!/bin/sh\n', true),
      ],
      variables,
    );
    expect(rendered).toEqual([
      { path: '.gitignore', content: 'node_modules/\n', executable: false, ifExists: 'append-lines' },
      {
        path: 'compose.yaml',
        content: 'POSTGRES_DB: shop_api_dev\n',
        executable: false,
        ifExists: 'conflict',
      },
      { path: 'package.json', content: '{ "name": "shop-api" }\n', executable: false, ifExists: 'conflict' },
      { path: 'scripts/run.sh', content: '#!/bin/sh\n', executable: true, ifExists: 'conflict' },
    ]);
  });

  it('names a placeholder it does not know', () => {
    expect(() => renderTemplate([file('a.txt', '{{owner}}')], variables)).toThrow(
      'Template file a.txt uses {{owner}}, which devenv does not know.',
    );
  });
});

describe('planning the writes', () => {
  const files = renderTemplate(
    [
      file('compose.yaml', 'services: {}\n'),
      file('devenv.yaml', 'compose: compose.yaml\n'),
      file('_gitignore', '.env\nsecrets.*.env\n'),
    ],
    variables,
  );
  const existing = (entries: Record<string, ExistingEntry>) => new Map(Object.entries(entries));

  it('creates what is missing', () => {
    const plan = planScaffold(files, existing({}), { force: false });
    expect(plan.steps.map((step) => `${step.action} ${step.path}`)).toEqual([
      'create .gitignore',
      'create compose.yaml',
      'create devenv.yaml',
    ]);
    expect(scaffoldRefusal(plan, '.')).toBeUndefined();
  });

  it('never overwrites a different file without --force, naming every one', () => {
    const plan = planScaffold(
      files,
      existing({
        'compose.yaml': { kind: 'file', content: 'services: { web: {} }\n' },
        'devenv.yaml': { kind: 'file', content: 'other\n' },
      }),
      { force: false },
    );
    expect(plan.conflicts).toEqual(['compose.yaml', 'devenv.yaml']);
    expect(scaffoldRefusal(plan, '.')).toMatchObject({
      code: 'FILE_EXISTS',
      message: 'devenv init would overwrite 2 files in .: compose.yaml, devenv.yaml. Nothing was written.',
      hint: 'Pass --force to overwrite them, or init into another directory.',
    });
  });

  it('overwrites with --force, and keeps a file that already says the same', () => {
    const plan = planScaffold(
      files,
      existing({
        'compose.yaml': { kind: 'file', content: 'services: { web: {} }\n' },
        'devenv.yaml': { kind: 'file', content: 'compose: compose.yaml\n' },
      }),
      { force: true },
    );
    expect(plan.steps.map((step) => `${step.action} ${step.path}`)).toEqual([
      'create .gitignore',
      'overwrite compose.yaml',
      'keep devenv.yaml',
    ]);
  });

  it('adds the lines a .gitignore lacks, keeping its own (with --force too)', () => {
    for (const force of [false, true]) {
      const plan = planScaffold(
        files,
        existing({ '.gitignore': { kind: 'file', content: 'node_modules/\n.env' } }),
        {
          force,
        },
      );
      expect(plan.steps[0]).toMatchObject({
        path: '.gitignore',
        action: 'append',
        content: 'node_modules/\n.env\n\n# added by devenv init\nsecrets.*.env\n',
      });
    }
    const complete = planScaffold(
      files,
      existing({ '.gitignore': { kind: 'file', content: 'secrets.*.env\n.env\n' } }),
      {
        force: false,
      },
    );
    expect(complete.steps[0]).toMatchObject({ action: 'keep', content: 'secrets.*.env\n.env\n' });
  });

  it('refuses when a directory is where a file goes, even with --force', () => {
    const plan = planScaffold(files, existing({ 'compose.yaml': { kind: 'directory' } }), { force: true });
    expect(scaffoldRefusal(plan, 'app')?.message).toBe(
      'devenv init cannot write compose.yaml in app: something other than a file is there.',
    );
  });
});

describe('the catalog', () => {
  it("lists the templates and names them in an unknown name's error", () => {
    expect(INIT_TEMPLATES.map((template) => template.name)).toEqual(['node-postgres-redis', 'minimal']);
    expect(() => initTemplate('rails')).toThrow('There is no template "rails".');
    try {
      initTemplate('rails');
    } catch (error) {
      expect(error).toMatchObject({
        code: 'TEMPLATE_UNKNOWN',
        exitCode: 2,
        hint: expect.stringContaining('minimal'),
      });
    }
  });
});

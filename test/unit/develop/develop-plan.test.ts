import { describe, expect, it } from 'vitest';
import { developPlanText, developServices, planDevelop } from '../../../src/core/develop/develop-plan.js';
import { alwaysIgnored, dockerignorePatterns, ignoredBy } from '../../../src/core/develop/ignore-rules.js';
import { watchRules } from '../../../src/core/develop/watch-rules.js';
import { resolveText, WORKING_DIR } from '../compose/resolve-text.js';

const { project } = resolveText(`
services:
  web:
    build: ./web
    develop:
      watch:
        - action: sync
          path: ./web/src
          target: /app/src
          ignore: ["*.test.js", "!keep.test.js", "generated/"]
        - action: sync+restart
          path: ./web/config
          target: /etc/web
        - action: sync
          path: ./web/app.env
          target: /app/.env
        - action: rebuild
          path: ./web/package.json
        - action: restart
          path: ./web/restart.conf
        - action: sync+exec
          path: ./web/templates
          target: /app/templates
          exec:
            command: kill -HUP 1
  app:
    build: .
    volumes:
      - .:/app
    develop:
      watch:
        - action: sync+restart
          path: ./web/src
          target: /app/web/src
`);

const at = (path: string) => `${WORKING_DIR}/${path}`;

function plan(changed: string[], dockerignore: Record<string, string[]> = {}): string[] {
  const services = developServices(project, watchRules(project).rules, dockerignore);
  return developPlanText(planDevelop(services, changed.map(at)), WORKING_DIR);
}

describe('develop plan', () => {
  it('maps changed files under a sync rule to container paths', () => {
    expect(plan(['web/src/index.js', 'web/src/lib/a.js'])).toEqual([
      'app: skip web/src/index.js, web/src/lib/a.js (bind-mounted: the container already sees it)',
      'web: sync web/src/index.js -> /app/src/index.js, web/src/lib/a.js -> /app/src/lib/a.js',
    ]);
  });

  it('restarts for a restart rule (no target), and syncs then restarts when a sync changed too', () => {
    expect(plan(['web/restart.conf'])).toEqual(['web: restart (web/restart.conf)']);
    expect(plan(['web/restart.conf', 'web/app.env'])).toEqual(['web: sync+restart web/app.env -> /app/.env']);
    expect(plan(['web/restart.conf', 'web/package.json'])).toEqual(['web: rebuild (web/package.json)']);
  });

  it('runs a sync+exec command once after its copies', () => {
    expect(plan(['web/templates/a.html', 'web/templates/b.html'])).toEqual([
      'web: sync+exec web/templates/a.html -> /app/templates/a.html, web/templates/b.html -> /app/templates/b.html; then kill -HUP 1',
    ]);
  });

  it('maps a rule on a single file to its target, even under another name', () => {
    expect(plan(['web/app.env'])).toEqual(['web: sync web/app.env -> /app/.env']);
  });

  it('restarts once after copying for sync+restart, and rebuild wins over both', () => {
    expect(plan(['web/config/a.conf', 'web/src/x.js'])).toEqual([
      'app: skip web/src/x.js (bind-mounted: the container already sees it)',
      'web: sync+restart web/config/a.conf -> /etc/web/a.conf, web/src/x.js -> /app/src/x.js',
    ]);
    expect(plan(['web/config/a.conf', 'web/package.json'])).toEqual(['web: rebuild (web/package.json)']);
  });

  it('honours ignore (with ! exceptions and directories), .git, editor temp files and .dockerignore', () => {
    expect(
      plan(
        [
          'web/src/a.test.js',
          'web/src/keep.test.js',
          'web/src/generated/x.js',
          'web/src/.git/HEAD',
          'web/src/.index.js.swp',
          'web/src/index.js~',
          'web/src/secret.key',
        ],
        { web: ['*.key', 'src/*.key'] },
      ),
    ).toEqual([
      // app's own rule ignores none of them (but .git and temp files)
      'app: skip web/src/a.test.js, web/src/generated/x.js, web/src/keep.test.js, web/src/secret.key (bind-mounted: the container already sees it)',
      'web: sync web/src/keep.test.js -> /app/src/keep.test.js',
    ]);
  });

  it('does nothing for files no rule watches', () => {
    expect(plan(['README.md', 'web/srcx/a.js', 'compose.yaml'])).toEqual([]);
  });
});

describe('ignore rules', () => {
  it('follow .dockerignore semantics: the last match wins', () => {
    expect(ignoredBy(['*.log', '!important.log'], 'important.log')).toBe(false);
    expect(ignoredBy(['*.log', '!important.log', 'important*'], 'important.log')).toBe(true);
    expect(ignoredBy(['node_modules/'], 'node_modules/a/index.js')).toBe(true);
    expect(ignoredBy(['**/*.map'], 'dist/a/b.js.map')).toBe(true);
    expect(ignoredBy([], 'a')).toBe(false);
  });

  it('read .dockerignore text without comments and blank lines', () => {
    expect(dockerignorePatterns('# deps\nnode_modules\n\n  *.log  \n!keep.log\n')).toEqual([
      'node_modules',
      '*.log',
      '!keep.log',
    ]);
  });

  it('always skip .git and editors’ temporary files', () => {
    for (const path of [
      '.git/index',
      'a/.git/HEAD',
      '.main.ts.swp',
      'main.ts~',
      '#main.ts#',
      '.#main.ts',
      'x.ts___jb_tmp___',
      '4913',
    ])
      expect(alwaysIgnored(path), path).toBe(true);
    for (const path of ['src/main.ts', '.gitignore', 'swp.ts']) expect(alwaysIgnored(path), path).toBe(false);
  });
});

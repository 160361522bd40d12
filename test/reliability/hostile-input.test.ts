/**
 * Hostile values, at the lowest layer that decides: names with shell
 * metacharacters and control characters, paths that climb out of the project,
 * very long names, and container output full of terminal controls. Each is
 * refused with a DevenvError naming the place, or sanitized; nothing is run
 * through a shell, nothing escapes the project, nothing reaches the terminal
 * raw. test/e2e/hostile-input.test.ts runs the real CLI on such a project.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DevenvEvent } from '../../src/app/events.js';
import { resolveCompose, type ComposeInput } from '../../src/core/compose/load-compose.js';
import { projectNameFromDirectory, PROJECT_NAME } from '../../src/core/compose/project-name.js';
import { distinctNamePart, stackIdentity } from '../../src/core/stack/identity.js';
import { isSelectorValue, selectorValue } from '../../src/core/stack/selector-value.js';
import { renderError } from '../../src/cli/error-handler.js';
import { palette } from '../../src/ui/colors.js';
import { escapeControls, terminalSafe } from '../../src/ui/ink/terminal-text.js';
import { jsonRenderer } from '../../src/ui/json-renderer.js';
import { plainRenderer } from '../../src/ui/plain/plain-renderer.js';
import { errorOf } from '../unit/compose/resolve-text.js';

const SHELL = [
  '$(touch /tmp/devenv-pwned)',
  '`touch /tmp/devenv-pwned`',
  'a;touch /tmp/x',
  'a && b',
  'a|b',
  "a'b",
  'a"b',
];
const CONTROLS = ['a\nb', 'a\rb', 'a\u0000b', 'a\u001b[2Jb', 'a\u001b]0;title\u0007b', 'a\u202eb'];
/** Terminal controls a rendered line must not hold: C0 but tab, DEL, C1, bidi overrides. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const WORKING_DIR = '/home/dev/repo/app';

function compose(text: string, options: Partial<ComposeInput> = {}) {
  return resolveCompose({
    files: [{ path: 'compose.yaml', text }],
    workingDir: WORKING_DIR,
    environment: {},
    readEnvFile: () => 'A=1\n',
    activeProfiles: [],
    projectRoot: WORKING_DIR,
    ...options,
  });
}

describe('names with shell metacharacters and control characters', () => {
  it.each([...SHELL, ...CONTROLS])('a service named %j is refused at its line', (name) => {
    const error = errorOf(() => compose(`services:\n  ${JSON.stringify(name)}:\n    image: x\n`));
    expect(error.code).toBe('COMPOSE_INVALID');
    expect(error.location).toMatchObject({ file: 'compose.yaml', line: 2, path: 'services' });
    expect(error.message).toContain('invalid service name');
  });

  it.each([...SHELL, ...CONTROLS])('a project named %j (name:) is refused at its line', (name) => {
    const error = errorOf(() => compose(`name: ${JSON.stringify(name)}\nservices:\n  app:\n    image: x\n`));
    expect(error.code).toBe('COMPOSE_INVALID');
    expect(error.location).toMatchObject({ file: 'compose.yaml', line: 1, path: 'name' });
    expect(error.hint).toBeTruthy();
  });

  it.each([...SHELL, ...CONTROLS])('a project named %j (COMPOSE_PROJECT_NAME) is refused', (name) => {
    const error = errorOf(() =>
      compose('services:\n  app:\n    image: x\n', { environment: { COMPOSE_PROJECT_NAME: name } }),
    );
    expect(error.code).toBe('COMPOSE_INVALID');
    expect(error.message).toContain('COMPOSE_PROJECT_NAME');
  });

  it('a project directory named with them gives a sanitized project name', () => {
    for (const name of [...SHELL, ...CONTROLS]) {
      const project = projectNameFromDirectory(`x${name}`);
      expect(project).toMatch(PROJECT_NAME);
    }
    expect(
      compose('services:\n  app:\n    image: x\n', { workingDir: '/home/dev/$(touch x);y' }).project.name,
    ).toBe('touchxy');
  });

  it('any branch, owner or project gives a Docker-safe stack name and valid selectors', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 400 }),
        fc.string({ maxLength: 400 }),
        fc.string({ maxLength: 50 }),
        (branch, owner, project) => {
          const identity = stackIdentity({ project, owner, branch });
          expect(identity.name).toMatch(/^[a-z0-9][a-z0-9_.-]*$/);
          expect(identity.name.length).toBeLessThanOrEqual(80);
          expect(isSelectorValue(selectorValue(branch))).toBe(true);
          expect(distinctNamePart(branch)).toMatch(/^[a-z0-9][a-z0-9_.-]*$/);
        },
      ),
      { seed: 17, numRuns: 500 },
    );
    for (const branch of [...SHELL, ...CONTROLS]) {
      expect(stackIdentity({ project: 'shop', owner: 'alice', branch }).name).toMatch(/^shop-[a-z0-9_.-]+$/);
    }
  });

  it('a service name of 300 characters is valid compose; its engine and selector names stay bounded', () => {
    const name = `s${'x'.repeat(299)}`;
    const project = compose(`services:\n  ${name}:\n    image: x\n`).project;
    expect(Object.keys(project.services)).toEqual([name]);
    expect(distinctNamePart(name).length).toBeLessThanOrEqual(40);
    expect(selectorValue(name).length).toBeLessThanOrEqual(63);
  });
});

describe('paths that climb out of the project', () => {
  const refused: [string, string, string][] = [
    ['volumes: ["../../etc:/host-etc"]', 'services.app.volumes[0]', 'the bind mount "../../etc"'],
    [
      'volumes: [{type: bind, source: ../../etc, target: /x}]',
      'services.app.volumes[0].source',
      'the bind mount',
    ],
    ['build: ../..', 'services.app.build', 'the build context "../.."'],
    ['build: {context: ../../.., dockerfile: Dockerfile}', 'services.app.build.context', 'the build context'],
    ['env_file: ../../etc/passwd', 'services.app.env_file', 'the env_file "../../etc/passwd"'],
    ['env_file: [ok.env, ../../etc/shadow]', 'services.app.env_file[1]', 'the env_file'],
    ['env_file: [{path: ./../../x.env, required: false}]', 'services.app.env_file[0]', 'the env_file'],
    [
      'develop: {watch: [{path: ../../etc, action: sync, target: /etc}]}',
      'services.app.develop.watch[0].path',
      'the watch path',
    ],
  ];

  it.each(refused)('%s is refused at %s', (line, path, what) => {
    const error = errorOf(() => compose(`services:\n  app:\n    image: x\n    ${line}\n`));
    expect(error.code).toBe('COMPOSE_INVALID');
    expect(error.location).toMatchObject({ file: 'compose.yaml', line: 4, path });
    expect(error.message).toContain(`${what}`);
    expect(error.message).toContain('leaves the project');
    expect(error.hint).toContain('absolute path');
  });

  it.each([
    [
      'secrets',
      'secrets: {token: {file: ../../../root/.ssh/id_rsa}}',
      'secrets.token.file',
      'the secret file',
    ],
    ['configs', 'configs: {cfg: {file: ../../etc/hosts}}', 'configs.cfg.file', 'the config file'],
  ])('a %s file outside is refused', (_, top, path, what) => {
    const error = errorOf(() => compose(`services:\n  app:\n    image: x\n${top}\n`));
    expect(error.location).toMatchObject({ file: 'compose.yaml', line: 4, path });
    expect(error.message).toContain(what);
  });

  it('an env_file outside is refused before it is read', () => {
    const read: string[] = [];
    errorOf(() =>
      compose('services:\n  app:\n    image: x\n    env_file: ../../etc/passwd\n', {
        readEnvFile: (path) => {
          read.push(path);
          return 'root:x:0:0\n';
        },
      }),
    );
    expect(read).toEqual([]);
  });

  it('keeps paths inside the project root (a monorepo sibling), absolute paths and named volumes', () => {
    const project = compose(
      'services:\n  app:\n    build: {context: ../shared}\n    volumes: ["./src:/app", "../shared:/shared", "/var/run/docker.sock:/var/run/docker.sock", "~/.cache:/c", "data:/data"]\n    env_file: ./app.env\nvolumes:\n  data:\n',
      { projectRoot: '/home/dev/repo', environment: { HOME: '/home/dev' } },
    ).project;
    expect(project.services['app']?.build?.context).toBe('/home/dev/repo/shared');
    expect(
      project.services['app']?.volumes.map((volume) => ('source' in volume ? volume.source : undefined)),
    ).toEqual([
      `${WORKING_DIR}/src`,
      '/home/dev/repo/shared',
      '/var/run/docker.sock',
      '/home/dev/.cache',
      'data',
    ]);
  });

  it('checks nothing when the caller gives no project root (compose semantics)', () => {
    const project = compose('services:\n  app:\n    image: x\n    volumes: ["../up:/up"]\n', {
      projectRoot: undefined,
    }).project;
    expect((project.services['app']?.volumes[0] as { source?: string } | undefined)?.source).toBe(
      '/home/dev/repo/up',
    );
  });
});

describe('container output full of terminal controls', () => {
  const hostile = [
    'clear \u001b[2J\u001b[H screen',
    'title \u001b]0;pwned\u0007 set',
    'hyperlink \u001b]8;;http://evil\u001b\\text\u001b]8;;\u001b\\',
    'carriage\roverwrite',
    'nul\u0000byte and bell\u0007',
    'c1 \u009b31m csi',
    'bidi \u202eevil\u202c',
    'device query \u001b[6n and DCS \u001bPq#0;2;0;0;0\u001b\\',
  ];
  const log = (line: string): DevenvEvent => ({
    type: 'log',
    time: 0,
    service: 'app',
    stream: 'stdout',
    line,
  });

  it('the plain renderer prints log lines without them, text kept', () => {
    const lines: string[] = [];
    const render = plainRenderer({
      write: (line) => lines.push(line),
      palette: palette(false),
      secrets: () => [],
    });
    render({
      type: 'stack.resolved',
      time: 0,
      stack: 's',
      project: 'p',
      branch: 'b',
      owner: 'o',
      environment: 'dev',
      services: ['app'],
      endpoint: 'e',
    });
    lines.length = 0;
    for (const line of hostile) render(log(line));
    render({
      type: 'service.failed',
      time: 0,
      service: 'app',
      reason: 'exit \u001b[2J1',
      logTail: hostile,
    } as DevenvEvent);
    for (const line of lines) expect(line).not.toMatch(RAW_CONTROL);
    expect(lines[0]).toBe('app  | clear  screen');
    expect(lines[4]).toBe('app  | nulbyte and bell');
  });

  it('any log line, rendered plain or for the dashboard, holds no terminal control', () => {
    const lines: string[] = [];
    const render = plainRenderer({
      write: (line) => lines.push(line),
      palette: palette(false),
      secrets: () => [],
    });
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        lines.length = 0;
        render(log(text));
        expect(lines.join('')).not.toMatch(RAW_CONTROL);
        expect(terminalSafe(text)).not.toMatch(RAW_CONTROL);
      }),
      { seed: 17, numRuns: 2000 },
    );
  });

  it('--json escapes them (JSON strings hold no raw control characters)', () => {
    const lines: string[] = [];
    const render = jsonRenderer(
      (line) => lines.push(line),
      () => [],
    );
    for (const line of hostile) render(log(line));
    // JSON escapes C0 controls (ESC, CR, NUL...); the value reads back as the container wrote it.
    // eslint-disable-next-line no-control-regex
    for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f]/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ line: hostile[0] });
  });

  it('an error quoting a hostile name shows it escaped', () => {
    const error = errorOf(() => compose('services:\n  "a\\e[2Jb":\n    image: x\n'));
    const { text } = renderError(error, false);
    expect(text).toContain('invalid service name "a\\u001b[2Jb"');
    expect(text.replace(/\n/g, '')).not.toMatch(RAW_CONTROL);
    expect(escapeControls('line one\nline\ttwo')).toBe('line one\nline\ttwo');
  });
});

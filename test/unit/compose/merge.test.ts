import { describe, expect, it } from 'vitest';
import { mergeComposeFiles } from '../../../src/core/compose/merge.js';
import { parseSourceDocument } from '../../../src/core/compose/source-document.js';
import { resolveTexts } from './resolve-text.js';

const layer = (text: string) => parseSourceDocument({ path: '/p/x.yaml', file: 'x.yaml', text });
const merge = (...texts: string[]) => mergeComposeFiles(texts.map(layer));

describe('mergeComposeFiles (raw)', () => {
  it('merges mappings recursively and replaces scalars', () => {
    expect(
      merge(
        'services:\n  a:\n    image: x\n    restart: always\n',
        'services:\n  a:\n    image: y\n  b:\n    image: z\n',
      ),
    ).toEqual({
      services: { a: { image: 'y', restart: 'always' }, b: { image: 'z' } },
    });
  });

  it('replaces command, entrypoint and healthcheck.test', () => {
    const base =
      'services:\n  a:\n    command: [echo, foo]\n    entrypoint: sh\n    healthcheck:\n      test: [CMD, a]\n      interval: 5s\n';
    const over =
      'services:\n  a:\n    command: [echo, bar]\n    entrypoint: [bash, -c]\n    healthcheck:\n      test: [CMD, b]\n';
    expect(merge(base, over)).toEqual({
      services: {
        a: {
          command: ['echo', 'bar'],
          entrypoint: ['bash', '-c'],
          healthcheck: { test: ['CMD', 'b'], interval: '5s' },
        },
      },
    });
  });

  it('keeps ports unique by {ip, published, target, protocol} and appends others', () => {
    const merged = merge(
      'services:\n  a:\n    ports: ["8080:80", "9000:9000"]\n',
      'services:\n  a:\n    ports: [{target: 80, published: 8080, name: web}, "8443:443"]\n',
    );
    expect(merged).toEqual({
      services: { a: { ports: [{ target: 80, published: 8080, name: 'web' }, '9000:9000', '8443:443'] } },
    });
  });

  it('keeps volumes, secrets and configs unique by target', () => {
    const merged = merge(
      'services:\n  a:\n    volumes: ["foo:/work", "./x:/x"]\n    secrets: [s1]\n    configs: [c1]\n',
      'services:\n  a:\n    volumes: ["bar:/work"]\n    secrets: [{source: s2, target: s1}]\n    configs: [c2]\n',
    );
    expect(merged).toEqual({
      services: {
        a: {
          volumes: ['bar:/work', './x:/x'],
          secrets: [{ source: 's2', target: 's1' }],
          configs: ['c1', 'c2'],
        },
      },
    });
  });

  it('merges environment and labels as mappings, converting lists', () => {
    const merged = merge(
      'services:\n  a:\n    environment: [A=1, B=2]\n    labels: {x: "1"}\n',
      'services:\n  a:\n    environment: {B: "3", C: null}\n    labels: [y=2]\n',
    );
    expect(merged).toEqual({
      services: { a: { environment: { A: '1', B: '3', C: null }, labels: { x: '1', y: '2' } } },
    });
  });

  it('merges depends_on and networks lists into mappings', () => {
    const merged = merge(
      'services:\n  a:\n    depends_on: [db]\n    networks: [front]\n',
      'services:\n  a:\n    depends_on:\n      cache: {condition: service_healthy}\n    networks:\n      back: {aliases: [x]}\n',
    );
    expect(merged).toEqual({
      services: {
        a: {
          depends_on: {
            db: { condition: 'service_started', required: true },
            cache: { condition: 'service_healthy' },
          },
          networks: { front: null, back: { aliases: ['x'] } },
        },
      },
    });
  });

  it('appends other sequences without duplicates, and string-or-list values as lists', () => {
    expect(
      merge(
        'services:\n  a:\n    expose: ["80"]\n    env_file: a.env\n    build: .\n',
        'services:\n  a:\n    expose: ["80", "81"]\n    env_file: [b.env]\n    build: {dockerfile: Dev.Dockerfile, args: [X=1]}\n',
      ),
    ).toEqual({
      services: {
        a: {
          expose: ['80', '81'],
          env_file: ['a.env', 'b.env'],
          build: { context: '.', dockerfile: 'Dev.Dockerfile', args: ['X=1'] },
        },
      },
    });
  });

  it('honours !reset and !override', () => {
    const merged = merge(
      'services:\n  a:\n    image: x\n    ports: ["8080:80"]\n    environment: {FOO: bar, KEEP: "1"}\n',
      'services:\n  a:\n    ports: !override ["8443:443"]\n    environment:\n      FOO: !reset null\n',
    );
    expect(merged).toEqual({
      services: { a: { image: 'x', ports: ['8443:443'], environment: { KEEP: '1' } } },
    });
    expect(merge('services:\n  a:\n    ports: ["1:1"]\n', 'services:\n  a:\n    ports: !reset []\n')).toEqual(
      {
        services: { a: {} },
      },
    );
  });
});

describe('override files through resolveCompose', () => {
  const base = [
    'services:',
    '  app:',
    '    image: app:1',
    '    command: npm start',
    '    ports: ["8080:8080"]',
    '    environment:',
    '      LOG_LEVEL: info',
    '      PORT: "8080"',
  ].join('\n');
  const override = [
    'services:',
    '  app:',
    '    command: npm run dev',
    '    ports: ["9229:9229", "8080:8080"]',
    '    environment:',
    '      - LOG_LEVEL=debug',
  ].join('\n');

  it('changes the command, adds a port, overrides one variable', () => {
    const { project } = resolveTexts({ 'compose.yaml': base, 'compose.override.yaml': override });
    const app = project.services.app;
    expect(app?.command).toEqual(['npm', 'run', 'dev']);
    expect(app?.ports).toEqual([
      { target: 8080, published: '8080', protocol: 'tcp' },
      { target: 9229, published: '9229', protocol: 'tcp' },
    ]);
    expect(app?.environment).toEqual({ LOG_LEVEL: 'debug', PORT: '8080' });
    expect(project.files).toEqual([
      '/home/dev/My Project/compose.yaml',
      '/home/dev/My Project/compose.override.yaml',
    ]);
  });

  it('locates problems in the file that wrote them', () => {
    const { warnings } = resolveTexts({
      'compose.yaml': base,
      'compose.override.yaml': 'services:\n  app:\n    cgroup_parent: /devenv\n',
    });
    expect(warnings).toEqual([
      {
        message: 'services.app.cgroup_parent is not supported by devenv and is ignored',
        file: 'compose.override.yaml',
        line: 3,
        path: 'services.app.cgroup_parent',
      },
    ]);
  });
});

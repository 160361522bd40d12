import { describe, expect, it } from 'vitest';
import { errorOf, resolveText } from './resolve-text.js';

describe('schema validation', () => {
  it('names an unknown (typo) key with its line', () => {
    const text = 'services:\n  app:\n    build: .\n    imagee: nginx\n';
    const error = errorOf(() => resolveText(text));
    expect(error.code).toBe('COMPOSE_INVALID');
    expect(error.message).toBe('compose.yaml:4 services.app: unknown key "imagee"');
    expect(error.location).toEqual({ file: 'compose.yaml', line: 4, path: 'services.app' });
  });

  it('says a bad service name is an invalid name and which characters compose allows', () => {
    for (const name of ['my app', '-x', '.hidden', 'web!']) {
      const error = errorOf(() => resolveText(`services:\n  ok:\n    image: x\n  "${name}":\n    image: x\n`));
      expect(error.code).toBe('COMPOSE_INVALID');
      expect(error.message).toBe(
        `compose.yaml:4 services: invalid service name "${name}": compose allows letters, digits, ".", "_" and "-", starting with a letter or digit`,
      );
      expect(error.message).not.toContain('unknown key');
    }
    const volume = errorOf(() => resolveText('services:\n  ok:\n    image: x\nvolumes:\n  "bad vol": {}\n'));
    expect(volume.message).toBe(
      'compose.yaml:5 volumes: invalid volume name "bad vol": compose allows letters, digits, ".", "_" and "-"',
    );
  });

  it('accepts service names compose accepts', () => {
    const text = 'services:\n  Web.1_a-b:\n    image: x\n  9lives:\n    image: x\n';
    expect(Object.keys(resolveText(text).project.services).sort()).toEqual(['9lives', 'Web.1_a-b']);
  });

  it('reports a wrong type once, with the allowed types', () => {
    const text = 'services:\n  app:\n    image: x\n    ports:\n      - "80"\n      - true\n';
    const error = errorOf(() => resolveText(text));
    expect(error.message).toBe('compose.yaml:6 services.app.ports[1]: must be number or string or object');
  });

  it('prefers the deepest error of a oneOf branch', () => {
    const text = [
      'services:',
      '  app:',
      '    image: x',
      '    depends_on:',
      '      db:',
      '        conditon: service_healthy',
      '  db:',
      '    image: postgres',
    ].join('\n');
    const error = errorOf(() => resolveText(text));
    expect(error.details).toEqual([
      'compose.yaml:5 services.app.depends_on.db: missing required key "condition"',
      'compose.yaml:6 services.app.depends_on.db: unknown key "conditon"',
    ]);
    expect(error.message).toBe(
      [
        'compose.yaml is not a valid compose file (2 problems):',
        '  compose.yaml:5 services.app.depends_on.db: missing required key "condition"',
        '  compose.yaml:6 services.app.depends_on.db: unknown key "conditon"',
      ].join('\n'),
    );
  });

  it('reports an object where a string is expected', () => {
    const text =
      'services:\n  app:\n    image: x\n    build:\n      context: .\n      dockerfil: Dockerfile.dev\n';
    const error = errorOf(() => resolveText(text));
    expect(error.message).toBe('compose.yaml:6 services.app.build: unknown key "dockerfil"');
  });

  it('lists problems in several places', () => {
    const text = 'services:\n  app:\n    image: 5\n    restart: [always]\nfoo: 1\n';
    const error = errorOf(() => resolveText(text));
    expect(error.details).toEqual([
      'compose.yaml:3 services.app.image: must be string',
      'compose.yaml:4 services.app.restart: must be string',
      'compose.yaml:5: unknown key "foo"',
    ]);
    expect(error.location).toEqual({ file: 'compose.yaml', line: 3, path: 'services.app.image' });
  });

  it('keeps an unknown key next to a problem deeper in the same service', () => {
    const text = 'services:\n  app:\n    image: x\n    portz: 1\n    ports:\n      - {target: [80]}\n';
    const error = errorOf(() => resolveText(text));
    expect(error.details).toEqual([
      'compose.yaml:4 services.app: unknown key "portz"',
      'compose.yaml:6 services.app.ports[0].target: must be integer or string',
    ]);
  });

  it('points into a list of the wrong item type', () => {
    const text = 'services:\n  app:\n    image: x\n    networks:\n      - front\n      - {name: back}\n';
    const error = errorOf(() => resolveText(text));
    expect(error.message).toBe('compose.yaml:6 services.app.networks[1]: must be string');
  });

  it('checks enums and durations', () => {
    const enumError = errorOf(() =>
      resolveText(
        'services:\n  a:\n    image: x\n    depends_on:\n      b: {condition: service_up}\n  b:\n    image: y\n',
      ),
    );
    expect(enumError.message).toBe(
      'compose.yaml:5 services.a.depends_on.b.condition: must be one of "service_started", "service_healthy", "service_completed_successfully"',
    );
    const durationError = errorOf(() =>
      resolveText('services:\n  a:\n    image: x\n    healthcheck:\n      interval: 10 seconds\n'),
    );
    expect(durationError.message).toBe(
      'compose.yaml:5 services.a.healthcheck.interval: must be a duration such as "10s", "1m30s" or "200ms"',
    );
  });

  it('accepts keys of the current specification that the packaged schema lacks', () => {
    const text = [
      'name: shop',
      'services:',
      '  app:',
      '    image: x',
      '    develop:',
      '      watch:',
      '        - {path: ./src, action: sync, target: /app/src}',
      '    healthcheck:',
      '      test: curl -f localhost',
      '      start_interval: 1s',
      '    depends_on:',
      '      db: {condition: service_started, required: false, restart: true}',
      '    env_file:',
      '      - {path: ./optional.env, required: false}',
      '    ports:',
      '      - {name: web, target: 80, published: "8000-8010", app_protocol: http}',
      '  db:',
      '    image: y',
    ].join('\n');
    const { project } = resolveText(text);
    expect(project.name).toBe('shop');
    expect(project.services.app?.healthcheck?.startIntervalMs).toBe(1000);
    expect(project.services.app?.ports).toEqual([
      { target: 80, published: '8000-8010', protocol: 'tcp', name: 'web' },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { renderComposeConfig } from '../../../src/core/compose/render-config.js';
import { projectSecretValues } from '../../../src/core/redact.js';
import { errorOf, resolveText, WORKING_DIR } from './resolve-text.js';

const SEED = `version: '3.8'
services:
  app:
    build: .
    ports:
      - "8080:8080"
    environment:
      DATABASE_URL: postgresql://user:pass@postgres:5432/myapp_dev
      REDIS_URL: redis://redis:6379
      LOG_LEVEL: debug
    depends_on:
      - postgres
      - redis
    volumes:
      - .:/app
  postgres:
    image: postgres:15
    environment:
      POSTGRES_USER: user
      POSTGRES_PASSWORD: pass
      POSTGRES_DB: myapp_dev
    ports:
      - "5432:5432"
  redis:
    image: redis:7
    ports:
      - "6379:6379"
`;

const common = {
  expose: [],
  volumes: [],
  dependsOn: {},
  labels: {},
  networks: { default: { aliases: [] } },
  profiles: [],
  secrets: [],
  configs: [],
  extraHosts: [],
  extensions: {},
};

describe('resolveCompose', () => {
  it('resolves the seed file to the expected model', () => {
    const resolved = resolveText(SEED, { workingDir: '/home/dev/myapp' });
    expect(resolved).toEqual({
      project: {
        name: 'myapp',
        workingDir: '/home/dev/myapp',
        files: ['/home/dev/myapp/compose.yaml'],
        services: {
          app: {
            ...common,
            name: 'app',
            build: { context: '/home/dev/myapp', dockerfile: 'Dockerfile', args: {}, labels: {} },
            ports: [{ target: 8080, published: '8080', protocol: 'tcp' }],
            environment: {
              DATABASE_URL: 'postgresql://user:pass@postgres:5432/myapp_dev',
              REDIS_URL: 'redis://redis:6379',
              LOG_LEVEL: 'debug',
            },
            dependsOn: {
              postgres: { condition: 'service_started', required: true, restart: false },
              redis: { condition: 'service_started', required: true, restart: false },
            },
            volumes: [
              {
                type: 'bind',
                source: '/home/dev/myapp',
                target: '/app',
                readOnly: false,
                createHostPath: true,
              },
            ],
          },
          postgres: {
            ...common,
            name: 'postgres',
            image: 'postgres:15',
            environment: { POSTGRES_USER: 'user', POSTGRES_PASSWORD: 'pass', POSTGRES_DB: 'myapp_dev' },
            ports: [{ target: 5432, published: '5432', protocol: 'tcp' }],
          },
          redis: {
            ...common,
            name: 'redis',
            image: 'redis:7',
            environment: {},
            ports: [{ target: 6379, published: '6379', protocol: 'tcp' }],
          },
        },
        networks: { default: { external: false, internal: false, labels: {} } },
        volumes: {},
        secrets: {},
        configs: {},
        extensions: {},
      },
      warnings: [
        {
          message: 'the `version` key is obsolete and ignored',
          file: 'compose.yaml',
          line: 1,
          path: 'version',
        },
      ],
    });
  });

  it('interpolates from the environment', () => {
    const text =
      'services:\n  db:\n    image: "postgres:${PG_VERSION:-15}"\n    ports: ["${DB_PORT}:5432"]\n';
    const { project } = resolveText(text, { environment: { DB_PORT: '15432' } });
    expect(project.services.db?.image).toBe('postgres:15');
    expect(project.services.db?.ports).toEqual([{ target: 5432, published: '15432', protocol: 'tcp' }]);
  });

  it('keeps top-level x- keys as extensions', () => {
    const { project } = resolveText('x-common: &c\n  image: x\nservices:\n  a:\n    <<: *c\n');
    expect(project.extensions).toEqual({ 'x-common': { image: 'x' } });
    expect(project.services.a?.image).toBe('x');
  });
});

describe('warnings', () => {
  it('reports ignored service keys with service, file and line', () => {
    const text = [
      'services:',
      '  app:',
      '    image: x',
      '    deploy:',
      '      replicas: 2',
      '    cap_add: [NET_ADMIN]',
      '    cgroup_parent: /devenv',
      '    x-note: kept',
    ].join('\n');
    const { warnings, project } = resolveText(text);
    expect(warnings).toEqual([
      {
        message: 'services.app.cgroup_parent is not supported by devenv and is ignored',
        file: 'compose.yaml',
        line: 7,
        path: 'services.app.cgroup_parent',
      },
      {
        message:
          'services.app.deploy.replicas is 2, but devenv runs one container per service: it starts 1 where docker compose would start 2 (devenv diff still compares the count)',
        file: 'compose.yaml',
        line: 5,
        path: 'services.app.deploy.replicas',
      },
    ]);
    expect(project.services.app?.extensions).toEqual({ 'x-note': 'kept' });
  });

  it('reports ignored sub-keys and top-level keys', () => {
    const text = [
      'services:',
      '  app:',
      '    build:',
      '      context: .',
      '      cache_from: [x]',
      '    scale: 2',
      'networks:',
      '  n:',
      '    ipam: {driver: default}',
      'models:',
      '  llm: {model: ai/smollm2}',
    ].join('\n');
    expect(resolveText(text).warnings.map((w) => `${w.line}: ${w.message}`)).toEqual([
      '10: models is not supported by devenv and is ignored',
      '5: services.app.build.cache_from is not supported by devenv and is ignored',
      '6: services.app.scale is 2, but devenv runs one container per service: it starts 1 where docker compose would start 2 (devenv diff still compares the count)',
      '9: networks.n.ipam is not supported by devenv and is ignored',
    ]);
  });
});

describe('profiles', () => {
  const text = [
    'services:',
    '  app:',
    '    image: x',
    '  debug:',
    '    image: busybox',
    '    profiles: [debug]',
    '  docs:',
    '    image: nginx',
    '    profiles: [docs, all]',
  ].join('\n');

  it('includes services without profiles, and those with an active profile', () => {
    expect(Object.keys(resolveText(text).project.services)).toEqual(['app']);
    expect(Object.keys(resolveText(text, { activeProfiles: ['debug'] }).project.services)).toEqual([
      'app',
      'debug',
    ]);
    expect(Object.keys(resolveText(text, { activeProfiles: ['all'] }).project.services)).toEqual([
      'app',
      'docs',
    ]);
    expect(Object.keys(resolveText(text, { activeProfiles: ['*'] }).project.services)).toEqual([
      'app',
      'debug',
      'docs',
    ]);
  });

  it('rejects a required dependency on a disabled service, drops an optional one', () => {
    const dependent =
      'services:\n  app:\n    image: x\n    depends_on: [tool]\n  tool:\n    image: y\n    profiles: [tools]\n';
    const error = errorOf(() => resolveText(dependent));
    expect(error.code).toBe('COMPOSE_REFERENCE');
    expect(error.message).toBe(
      'compose.yaml:4 services.app.depends_on: service "app" depends on "tool", which is only enabled by profile "tools"',
    );
    expect(error.hint).toBe('activate it with --profile tools');
    const optional = dependent.replace(
      'depends_on: [tool]',
      'depends_on:\n      tool: {condition: service_started, required: false}',
    );
    expect(resolveText(optional).project.services.app?.dependsOn).toEqual({});
  });
});

describe('references', () => {
  it('reports a dependency cycle with its path', () => {
    const text = [
      'services:',
      '  a:',
      '    image: x',
      '    depends_on: [b]',
      '  b:',
      '    image: x',
      '    depends_on: [c]',
      '  c:',
      '    image: x',
      '    depends_on:',
      '      a: {condition: service_healthy}',
    ].join('\n');
    const error = errorOf(() => resolveText(text));
    expect(error.code).toBe('COMPOSE_CYCLE');
    expect(error.message).toBe('compose.yaml:4 services.a.depends_on[0]: dependency cycle: a -> b -> c -> a');
  });

  it('reports every dangling reference', () => {
    const text = [
      'services:',
      '  app:',
      '    image: x',
      '    depends_on: [db]',
      '    volumes: ["data:/data", "./src:/src"]',
      '    networks: [front]',
      '    secrets: [token]',
      '    configs: [conf]',
    ].join('\n');
    const error = errorOf(() => resolveText(text));
    expect(error.code).toBe('COMPOSE_REFERENCE');
    expect(error.details).toEqual([
      'compose.yaml:4 services.app.depends_on[0]: service "app" depends on undefined service "db"',
      'compose.yaml:5 services.app.volumes[0]: named volume "data" is not declared under the top-level volumes key',
      'compose.yaml:6 services.app.networks[0]: network "front" is not declared under the top-level networks key',
      'compose.yaml:7 services.app.secrets[0]: secret "token" is not declared under the top-level secrets key',
      'compose.yaml:8 services.app.configs[0]: config "conf" is not declared under the top-level configs key',
    ]);
  });

  it('requires an image or a build section', () => {
    const error = errorOf(() => resolveText('services:\n  app:\n    ports: ["80"]\n'));
    expect(error.code).toBe('COMPOSE_INVALID');
    expect(error.message).toBe(
      'compose.yaml:2 services.app: service "app" has neither an image nor a build section',
    );
  });

  it('takes secrets from a file or a variable, configs also inline; names a missing variable with what to do', () => {
    const text = [
      'services:',
      '  app:',
      '    image: x',
      '    secrets: [token, cert]',
      '    configs: [{source: banner, target: /etc/banner}]',
      'secrets:',
      '  token:',
      '    environment: API_TOKEN',
      '  cert:',
      '    file: ./cert.pem',
      'configs:',
      '  banner:',
      '    content: hello',
    ].join('\n');
    const { project } = resolveText(text, { environment: { API_TOKEN: 's3cr3t-value' } });
    expect(project.secrets).toEqual({
      token: { environment: 'API_TOKEN', value: 's3cr3t-value' },
      cert: { file: `${WORKING_DIR}/cert.pem` },
    });
    expect(project.configs).toEqual({ banner: { content: 'hello' } });
    // Shown as the variable, never the value.
    expect(JSON.stringify(renderComposeConfig(project))).not.toContain('s3cr3t-value');
    expect(projectSecretValues(project)).toContain('s3cr3t-value');

    const unset = errorOf(() => resolveText(text));
    expect(unset.code).toBe('COMPOSE_INVALID');
    expect(unset.message).toBe('compose.yaml:8 secrets.token.environment: secrets.token takes its value from API_TOKEN, which is not set');
    expect(unset.hint).toBe("set API_TOKEN in your shell or in the project's .env (kept out of git)");
  });

  it('rejects external secrets and inline secret content', () => {
    const external = errorOf(() => resolveText('services: {}\nsecrets:\n  token:\n    external: true\n'));
    expect(external.message).toBe(
      'compose.yaml:3 secrets.token: secrets.token needs "file:" or "environment:"; devenv does not use external (swarm) secrets',
    );
    const inline = errorOf(() => resolveText('services: {}\nsecrets:\n  token:\n    content: x\n'));
    expect(inline.code).toBe('COMPOSE_INVALID');
  });
});

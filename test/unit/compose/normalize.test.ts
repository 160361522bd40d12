import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../../../src/core/compose/model.js';
import { errorOf, resolveText, WORKING_DIR } from './resolve-text.js';

function service(body: string, options: Parameters<typeof resolveText>[1] = {}): ServiceSpec {
  const text = `services:\n  app:\n${body
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')}\n`;
  const app = resolveText(text, options).project.services.app;
  if (!app) throw new Error('no app service');
  return app;
}

describe('environment and env_file', () => {
  it('reads the map form and the list form', () => {
    expect(service('image: x\nenvironment:\n  A: 1\n  B: true\n  C: ""\n  D:').environment).toEqual({
      A: '1',
      B: 'true',
      C: '',
      D: null,
    });
    expect(service('image: x\nenvironment:\n  - A=1\n  - B\n  - C=x=y').environment).toEqual({
      A: '1',
      B: null,
      C: 'x=y',
    });
  });

  it('takes valueless entries from the project environment', () => {
    expect(
      service('image: x\nenvironment: [HOME, NOPE]', { environment: { HOME: '/h' } }).environment,
    ).toEqual({
      HOME: '/h',
      NOPE: null,
    });
  });

  it('merges env_file files under environment (environment wins)', () => {
    const envFiles = {
      [`${WORKING_DIR}/common.env`]: 'A=from-common\nB=from-common\nC=${SHELL_VAR}\n',
      [`${WORKING_DIR}/local.env`]: 'B=from-local\n',
    };
    const spec = service(
      'image: x\nenv_file: [common.env, ./local.env]\nenvironment:\n  A: from-environment',
      {
        envFiles,
        environment: { SHELL_VAR: 'shell' },
      },
    );
    expect(spec.environment).toEqual({ A: 'from-environment', B: 'from-local', C: 'shell' });
    expect(service('image: x\nenv_file: common.env', { envFiles }).environment).toEqual({
      A: 'from-common',
      B: 'from-common',
      C: '',
    });
  });

  it('skips a missing optional env_file and fails on a missing required one', () => {
    expect(service('image: x\nenv_file:\n  - path: ./nope.env\n    required: false').environment).toEqual({});
    const error = errorOf(() => service('image: x\nenv_file:\n  - ./nope.env'));
    expect(error.code).toBe('COMPOSE_REFERENCE');
    expect(error.message).toBe(
      `compose.yaml:5 services.app.env_file[0]: env_file ${WORKING_DIR}/nope.env not found`,
    );
  });
});

describe('depends_on', () => {
  const text = (dependsOn: string) =>
    `services:\n  app:\n    image: x\n    depends_on:\n${dependsOn}\n  db:\n    image: pg\n  cache:\n    image: redis\n`;

  it('turns the list form into service_started, required', () => {
    const { project } = resolveText(text('      - db\n      - cache'));
    expect(project.services.app?.dependsOn).toEqual({
      db: { condition: 'service_started', required: true, restart: false },
      cache: { condition: 'service_started', required: true, restart: false },
    });
  });

  it('keeps the long form', () => {
    const { project } = resolveText(
      text(
        '      db:\n        condition: service_healthy\n        restart: true\n      cache:\n        condition: service_completed_successfully\n        required: false',
      ),
    );
    expect(project.services.app?.dependsOn).toEqual({
      db: { condition: 'service_healthy', required: true, restart: true },
      cache: { condition: 'service_completed_successfully', required: false, restart: false },
    });
  });
});

describe('healthcheck', () => {
  it('converts durations and a string test', () => {
    expect(
      service(
        'image: x\nhealthcheck:\n  test: pg_isready -U user\n  interval: 1m30s\n  timeout: 200ms\n  retries: 5\n  start_period: 1.5s\n  start_interval: 10s',
      ).healthcheck,
    ).toEqual({
      test: ['CMD-SHELL', 'pg_isready -U user'],
      intervalMs: 90_000,
      timeoutMs: 200,
      retries: 5,
      startPeriodMs: 1500,
      startIntervalMs: 10_000,
      disable: false,
    });
  });

  it('keeps an exec-form test and recognizes disabling', () => {
    expect(service('image: x\nhealthcheck:\n  test: [CMD, curl, -f, http://localhost]').healthcheck).toEqual({
      test: ['CMD', 'curl', '-f', 'http://localhost'],
      disable: false,
    });
    expect(service('image: x\nhealthcheck:\n  disable: true').healthcheck).toEqual({ disable: true });
    expect(service('image: x\nhealthcheck:\n  test: [NONE]').healthcheck).toEqual({
      test: ['NONE'],
      disable: true,
    });
  });
});

describe('command, entrypoint and scalars', () => {
  it('splits strings into shell words and keeps lists', () => {
    const spec = service(`image: x\ncommand: sh -c 'echo "hello world"'\nentrypoint: [/bin/tini, --]`);
    expect(spec.command).toEqual(['sh', '-c', 'echo "hello world"']);
    expect(spec.entrypoint).toEqual(['/bin/tini', '--']);
  });

  it('reports an unterminated quote at its line', () => {
    const error = errorOf(() => service(`image: x\ncommand: echo 'oops`));
    expect(error.code).toBe('COMPOSE_INVALID');
    expect(error.message).toBe(
      `compose.yaml:4 services.app.command: unterminated single quote in "echo 'oops"`,
    );
  });

  it('keeps the scalar options', () => {
    const spec = service(
      'image: x\ninit: true\ntty: true\nstdin_open: false\nhostname: web\ncontainer_name: web-1\nrestart: unless-stopped\nuser: "1000:1000"\nworking_dir: /app\nstop_grace_period: 1m\nstop_signal: SIGINT\nexpose: [3000, "4000"]\nprofiles: [dev]\nx-owner: team-a\ndevelop:\n  watch:\n    - {path: ./src, action: sync, target: /app/src}',
      { activeProfiles: ['dev'] },
    );
    expect(spec).toMatchObject({
      init: true,
      tty: true,
      stdinOpen: false,
      hostname: 'web',
      containerName: 'web-1',
      restart: 'unless-stopped',
      user: '1000:1000',
      workingDir: '/app',
      stopGracePeriodMs: 60_000,
      stopSignal: 'SIGINT',
      expose: ['3000', '4000'],
      profiles: ['dev'],
      extensions: { 'x-owner': 'team-a' },
      develop: { watch: [{ path: './src', action: 'sync', target: '/app/src' }] },
    });
  });
});

describe('build', () => {
  it('turns a string into an absolute context with the default Dockerfile', () => {
    expect(service('build: ./api').build).toEqual({
      context: `${WORKING_DIR}/api`,
      dockerfile: 'Dockerfile',
      args: {},
      labels: {},
    });
  });

  it('reads the long form with args as a list or a map', () => {
    expect(
      service(
        'build:\n  context: ../shared\n  dockerfile: Dockerfile.dev\n  target: dev\n  args: [NODE=20, FROM_ENV, UNSET]\n  labels: {a: b}',
        {
          environment: { FROM_ENV: 'env' },
        },
      ).build,
    ).toEqual({
      context: '/home/dev/shared',
      dockerfile: 'Dockerfile.dev',
      target: 'dev',
      args: { NODE: '20', FROM_ENV: 'env' },
      labels: { a: 'b' },
    });
    expect(service('build:\n  args:\n    A: 1\n    B: x').build?.args).toEqual({ A: '1', B: 'x' });
    expect(service('build: https://github.com/a/b.git#main').build?.context).toBe(
      'https://github.com/a/b.git#main',
    );
  });
});

describe('labels, extra_hosts, tmpfs', () => {
  it('reads labels as a map or a list', () => {
    expect(service('image: x\nlabels: {a: "1", b: null}').labels).toEqual({ a: '1', b: '' });
    expect(service('image: x\nlabels: [a=1, "com.example.b=two"]').labels).toEqual({
      a: '1',
      'com.example.b': 'two',
    });
  });

  it('reads extra_hosts as a list or a map', () => {
    expect(service('image: x\nextra_hosts: ["db:10.0.0.2", "api=10.0.0.3"]').extraHosts).toEqual([
      'db:10.0.0.2',
      'api:10.0.0.3',
    ]);
    expect(service('image: x\nextra_hosts:\n  db: 10.0.0.2\n  v6: "::1"').extraHosts).toEqual([
      'db:10.0.0.2',
      'v6:::1',
    ]);
  });

  it('keeps tmpfs entries (a string or a list) apart from the volumes, with their mount options', () => {
    const single = service('image: x\nvolumes: ["/data"]\ntmpfs: /run');
    expect(single.volumes).toEqual([{ type: 'volume', target: '/data', readOnly: false }]);
    expect(single.tmpfs).toEqual([{ target: '/run' }]);
    expect(service('image: x\ntmpfs: ["/run:size=64m,mode=1777,noexec", /tmp]').tmpfs).toEqual([
      { target: '/run', options: 'size=64m,mode=1777,noexec' },
      { target: '/tmp' },
    ]);
  });
});

describe('networks', () => {
  it('defaults to the default network, which is created implicitly', () => {
    const { project } = resolveText('services:\n  app:\n    image: x\n');
    expect(project.services.app?.networks).toEqual({ default: { aliases: [] } });
    expect(project.networks).toEqual({ default: { external: false, internal: false, labels: {} } });
  });

  it('reads the list and the map form with aliases', () => {
    const text = [
      'services:',
      '  app:',
      '    image: x',
      '    networks:',
      '      front:',
      '        aliases: [web, www]',
      '      back:',
      '  worker:',
      '    image: y',
      '    networks: [back]',
      'networks:',
      '  front:',
      '    driver: bridge',
      '    labels: [team=a]',
      '  back:',
      '    internal: true',
      '  shared:',
      '    external: true',
      '    name: company-net',
    ].join('\n');
    const { project } = resolveText(text);
    expect(project.services.app?.networks).toEqual({
      front: { aliases: ['web', 'www'] },
      back: { aliases: [] },
    });
    expect(project.services.worker?.networks).toEqual({ back: { aliases: [] } });
    expect(project.networks).toEqual({
      front: { external: false, driver: 'bridge', internal: false, labels: { team: 'a' } },
      back: { external: false, internal: true, labels: {} },
      shared: { name: 'company-net', external: true, internal: false, labels: {} },
    });
  });
});

describe('secrets, configs, volumes', () => {
  it('resolves short and long references and top-level files', () => {
    const text = [
      'services:',
      '  app:',
      '    image: x',
      '    secrets:',
      '      - db_password',
      '      - source: api_key',
      '        target: key.txt',
      '      - source: cert',
      '        target: /etc/ssl/cert.pem',
      '    configs:',
      '      - nginx',
      '      - source: app_config',
      '        target: /etc/app.yaml',
      '    volumes:',
      '      - data:/var/lib/data',
      'secrets:',
      '  db_password:',
      '    file: ./secrets/db.txt',
      '  api_key:',
      '    file: /etc/keys/api',
      '  cert:',
      '    file: cert.pem',
      'configs:',
      '  nginx:',
      '    file: ./nginx.conf',
      '  app_config:',
      '    file: ./app.yaml',
      'volumes:',
      '  data:',
      '    labels: {keep: "yes"}',
      '  ext:',
      '    external: true',
    ].join('\n');
    const { project } = resolveText(text);
    expect(project.services.app?.secrets).toEqual([
      { source: 'db_password', target: '/run/secrets/db_password' },
      { source: 'api_key', target: '/run/secrets/key.txt' },
      { source: 'cert', target: '/etc/ssl/cert.pem' },
    ]);
    expect(project.services.app?.configs).toEqual([
      { source: 'nginx', target: '/nginx' },
      { source: 'app_config', target: '/etc/app.yaml' },
    ]);
    expect(project.secrets).toEqual({
      db_password: { file: `${WORKING_DIR}/secrets/db.txt` },
      api_key: { file: '/etc/keys/api' },
      cert: { file: `${WORKING_DIR}/cert.pem` },
    });
    expect(project.configs).toEqual({
      nginx: { file: `${WORKING_DIR}/nginx.conf` },
      app_config: { file: `${WORKING_DIR}/app.yaml` },
    });
    expect(project.volumes).toEqual({
      data: { external: false, labels: { keep: 'yes' } },
      ext: { external: true, labels: {} },
    });
  });
});

describe('project name', () => {
  it('uses the top-level name, else the sanitized directory name', () => {
    expect(resolveText('name: shop\nservices:\n  a:\n    image: x\n').project.name).toBe('shop');
    expect(resolveText('services:\n  a:\n    image: x\n').project.name).toBe('myproject');
    expect(
      resolveText('services:\n  a:\n    image: x\n', { workingDir: '/src/Web.App_2' }).project.name,
    ).toBe('webapp_2');
  });

  it('takes COMPOSE_PROJECT_NAME (shell or .env) over the top-level name, as compose does', () => {
    const environment = { COMPOSE_PROJECT_NAME: 'fromenv' };
    expect(resolveText('name: shop\nservices:\n  a:\n    image: x\n', { environment }).project.name).toBe(
      'fromenv',
    );
    expect(resolveText('services: {}\n', { environment: { COMPOSE_PROJECT_NAME: '' } }).project.name).toBe(
      'myproject',
    );
    const error = errorOf(() => resolveText('services: {}\n', { environment: { COMPOSE_PROJECT_NAME: 'My Shop' } }));
    expect(error.message).toContain('invalid project name "My Shop" in COMPOSE_PROJECT_NAME');
  });

  it('rejects an invalid top-level name', () => {
    const error = errorOf(() => resolveText('name: My Shop\nservices: {}\n'));
    expect(error.code).toBe('COMPOSE_INVALID');
    expect(error.message).toBe(
      'compose.yaml:1 name: invalid project name "My Shop": use lowercase letters, digits, "_" and "-", starting with a letter or digit',
    );
  });
});

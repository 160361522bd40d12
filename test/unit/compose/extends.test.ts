import { describe, expect, it } from 'vitest';
import { errorOf, resolveText, WORKING_DIR } from './resolve-text.js';

describe('extends', () => {
  it('merges a service over the one it extends in the same file, with the merge rules of -f files', () => {
    const { project } = resolveText(`
services:
  base:
    image: redis:7
    command: ["redis-server", "--save", ""]
    environment: { A: "1", B: "base" }
    ports: ["6379"]
    labels: [team=data]
  cache:
    extends: base
    command: ["redis-server", "--appendonly", "yes"]
    environment: { B: "cache" }
    ports: ["6380"]
  deep:
    extends: { service: cache }
    environment: { C: "3" }
`);
    const cache = project.services['cache']!;
    expect(cache.image).toBe('redis:7');
    expect(cache.command).toEqual(['redis-server', '--appendonly', 'yes']);
    expect(cache.environment).toEqual({ A: '1', B: 'cache' });
    expect(cache.ports.map((p) => p.target)).toEqual([6379, 6380]);
    expect(cache.labels).toEqual({ team: 'data' });
    expect(project.services['deep']!.environment).toEqual({ A: '1', B: 'cache', C: '3' });
    expect(project.services['base']!.environment).toEqual({ A: '1', B: 'base' });
  });

  it('reads a base from another file, its relative paths kept pointing where that file meant', () => {
    const { project } = resolveText(
      `
services:
  web:
    extends: { file: ./common/services.yaml, service: webapp }
    environment: { MODE: dev }
    volumes: ["./local:/local"]
volumes:
  cache: {}
`,
      {
        composeFiles: {
          [`${WORKING_DIR}/common/services.yaml`]: `
services:
  webapp:
    extends: { file: ../shared/base.yaml, service: node }
    build: ./web
    env_file: [./web.env]
    volumes: ["./web/src:/app/src", "cache:/cache"]
`,
          [`${WORKING_DIR}/shared/base.yaml`]: `
services:
  node:
    image: node:20
    environment: { NODE_ENV: development, MODE: base }
`,
        },
        envFiles: { [`${WORKING_DIR}/common/web.env`]: 'FROM_ENV_FILE=yes\n' },
      },
    );
    const web = project.services['web']!;
    expect(web.build?.context).toBe(`${WORKING_DIR}/common/web`);
    expect(web.environment).toEqual({ NODE_ENV: 'development', MODE: 'dev', FROM_ENV_FILE: 'yes' });
    expect(web.volumes.map((v) => `${v.type} ${'source' in v ? v.source : ''} -> ${v.target}`)).toEqual([
      `bind ${WORKING_DIR}/common/web/src -> /app/src`,
      'volume cache -> /cache',
      `bind ${WORKING_DIR}/local -> /local`,
    ]);
  });

  it('names the file, line and key of a bad reference, a missing file and a cycle', () => {
    const missing = errorOf(() => resolveText('services:\n  a:\n    extends: nope\n'));
    expect(missing.code).toBe('COMPOSE_REFERENCE');
    expect(missing.message).toBe(
      'compose.yaml:3 services.a.extends: extends service "nope", which this file does not define',
    );
    const noFile = errorOf(() =>
      resolveText('services:\n  a:\n    extends:\n      file: other.yaml\n      service: b\n'),
    );
    expect(noFile.message).toBe(
      `compose.yaml:4 services.a.extends.file: extends file other.yaml not found (looked at ${WORKING_DIR}/other.yaml)`,
    );
    const cycle = errorOf(() =>
      resolveText('services:\n  a:\n    extends: b\n  b:\n    extends: c\n  c:\n    extends: a\n'),
    );
    expect(cycle.code).toBe('COMPOSE_CYCLE');
    expect(cycle.message).toBe('compose.yaml:3 services.a.extends: extends makes a cycle: a -> b -> c -> a');
  });
});

describe('include', () => {
  const database = `
services:
  db:
    image: postgres:15
    env_file: ./db.env
    volumes: ["./init:/docker-entrypoint-initdb.d", "data:/var/lib/postgresql/data"]
volumes:
  data: {}
secrets:
  dbpass:
    file: ./dbpass.txt
`;
  const files = {
    [`${WORKING_DIR}/db/compose.yaml`]: database,
  };
  const envFiles = { [`${WORKING_DIR}/db/db.env`]: 'POSTGRES_DB=app\n' };

  it('adds the included application, its relative paths from its own directory', () => {
    const { project } = resolveText(
      `
include:
  - db/compose.yaml
services:
  app:
    image: node:20
    depends_on: [db]
`,
      { composeFiles: files, envFiles },
    );
    expect(Object.keys(project.services).sort()).toEqual(['app', 'db']);
    const db = project.services['db']!;
    expect(db.environment).toEqual({ POSTGRES_DB: 'app' });
    expect(db.volumes.map((v) => `${v.type} ${'source' in v ? v.source : ''}`)).toEqual([
      `bind ${WORKING_DIR}/db/init`,
      'volume data',
    ]);
    expect(Object.keys(project.volumes)).toEqual(['data']);
    expect(project.secrets['dbpass']).toEqual({ file: `${WORKING_DIR}/db/dbpass.txt` });
  });

  it('reports a resource defined differently on both sides, a missing file and a cycle, at the include entry', () => {
    const conflict = errorOf(() =>
      resolveText('include:\n  - db/compose.yaml\nservices:\n  db:\n    image: mysql:8\n', {
        composeFiles: files,
        envFiles,
      }),
    );
    expect(conflict.message).toBe(
      'compose.yaml:2 include[0]: services.db is defined both in compose.yaml and in the included file',
    );
    const missing = errorOf(() => resolveText('include:\n  - nope.yaml\nservices: {}\n'));
    expect(missing.message).toBe(
      `compose.yaml:2 include[0]: included file nope.yaml not found (looked at ${WORKING_DIR}/nope.yaml)`,
    );
    const cycle = errorOf(() =>
      resolveText('include:\n  - a.yaml\nservices: {}\n', {
        composeFiles: { [`${WORKING_DIR}/a.yaml`]: 'include:\n  - compose.yaml\nservices: {}\n' },
      }),
    );
    expect(cycle.code).toBe('COMPOSE_CYCLE');
  });
});

import { describe, expect, it } from 'vitest';
import type { ComposeProject, ServiceSpec } from '../../../src/core/compose/model.js';
import { databaseService, urlDatabase } from '../../../src/core/snapshot/database-service.js';

function project(images: Record<string, string>): ComposeProject {
  const services = Object.fromEntries(
    Object.entries(images).map(([name, image]) => [name, { name, image } as unknown as ServiceSpec]),
  );
  return { name: 'p', workingDir: '/p', files: [], services } as unknown as ComposeProject;
}

describe('the database service', () => {
  it('is devenv.yaml database.service, which must be a service of the template', () => {
    const twoPostgres = project({ db: 'postgres:15', replica: 'postgres:15', app: 'node:20' });
    expect(databaseService(twoPostgres, 'replica')).toBe('replica');
    expect(() => databaseService(twoPostgres, 'pg')).toThrow(
      'devenv.yaml database.service names "pg", which is not a service of the template (db, replica, app).',
    );
  });

  it('else the template’s one Postgres service', () => {
    expect(databaseService(project({ app: 'node:20', db: 'devenv-test/postgres:15' }), undefined)).toBe('db');
    expect(() => databaseService(project({ app: 'node:20' }), undefined)).toThrow('no Postgres service');
    expect(() => databaseService(project({ a: 'postgres:15', b: 'postgres:16' }), undefined)).toThrow(
      'several Postgres services (a, b)',
    );
  });

  it('reads the database a URL names', () => {
    expect(urlDatabase('postgresql://u:p@127.0.0.1:5432/myapp_dev')).toBe('myapp_dev');
    expect(urlDatabase('postgres://u@h/my%20db?sslmode=disable')).toBe('my db');
    expect(urlDatabase('postgres://u@h')).toBeUndefined();
    expect(urlDatabase('redis://h:6379/0')).toBeUndefined();
    expect(urlDatabase('not a url')).toBeUndefined();
  });
});

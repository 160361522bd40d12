import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findComposeFiles, loadComposeFromDisk } from '../../../src/adapters/fs/compose-files.js';
import { errorOf } from './resolve-text.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'devenv-compose-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

describe('findComposeFiles', () => {
  it('picks the first default name, with its override file', () => {
    write('docker-compose.yml', 'services: {}\n');
    expect(findComposeFiles(dir)).toEqual([path.join(dir, 'docker-compose.yml')]);
    write('compose.yaml', 'services: {}\n');
    write('compose.override.yaml', 'services: {}\n');
    expect(findComposeFiles(dir)).toEqual([
      path.join(dir, 'compose.yaml'),
      path.join(dir, 'compose.override.yaml'),
    ]);
  });

  it('takes COMPOSE_FILE from the shell, else from .env, over devenv.yaml; -f over both', () => {
    write('compose.yaml', 'services: {}\n');
    write('base.yaml', 'services: {}\n');
    write('ci.yaml', 'services: {}\n');
    write('devenv.yaml', 'compose: compose.yaml\n');
    expect(findComposeFiles(dir, [], { COMPOSE_FILE: 'base.yaml:ci.yaml' })).toEqual([
      path.join(dir, 'base.yaml'),
      path.join(dir, 'ci.yaml'),
    ]);
    expect(findComposeFiles(dir, [], { COMPOSE_FILE: 'base.yaml,ci.yaml', COMPOSE_PATH_SEPARATOR: ',' })).toEqual([
      path.join(dir, 'base.yaml'),
      path.join(dir, 'ci.yaml'),
    ]);
    write('.env', 'COMPOSE_FILE=ci.yaml\n');
    expect(findComposeFiles(dir, [], {})).toEqual([path.join(dir, 'ci.yaml')]);
    expect(findComposeFiles(dir, [], { COMPOSE_FILE: 'base.yaml' })).toEqual([path.join(dir, 'base.yaml')]);
    expect(findComposeFiles(dir, ['compose.yaml'], { COMPOSE_FILE: 'base.yaml' })).toEqual([
      path.join(dir, 'compose.yaml'),
    ]);
    const error = errorOf(() => findComposeFiles(dir, [], { COMPOSE_FILE: 'missing.yaml' }));
    expect(error.code).toBe('COMPOSE_NOT_FOUND');
    expect(error.message).toContain('missing.yaml');
  });

  it('uses devenv.yaml compose: (string or list)', () => {
    write('compose.yaml', 'services: {}\n');
    write('stack/base.yaml', 'services: {}\n');
    write('stack/dev.yaml', 'services: {}\n');
    write('devenv.yaml', 'compose: stack/base.yaml\n');
    expect(findComposeFiles(dir)).toEqual([path.join(dir, 'stack/base.yaml')]);
    write('devenv.yaml', 'compose:\n  - stack/base.yaml\n  - stack/dev.yaml\n');
    expect(findComposeFiles(dir)).toEqual([
      path.join(dir, 'stack/base.yaml'),
      path.join(dir, 'stack/dev.yaml'),
    ]);
  });

  it('prefers explicit files', () => {
    write('compose.yaml', 'services: {}\n');
    write('other.yml', 'services: {}\n');
    expect(findComposeFiles(dir, ['other.yml'])).toEqual([path.join(dir, 'other.yml')]);
    const missing = errorOf(() => findComposeFiles(dir, ['nope.yml']));
    expect(missing.code).toBe('COMPOSE_NOT_FOUND');
    expect(missing.message).toBe(`compose file ${path.join(dir, 'nope.yml')} not found`);
    expect(missing.hint).toBe('check the path (given with -f), or create the file');
  });

  it('says a directory given as compose file is a directory, and names the compose file in it', () => {
    write('proj/compose.yaml', 'services: {}\n');
    write('empty/readme.txt', 'no compose file here\n');
    const withFile = errorOf(() => findComposeFiles(dir, ['proj']));
    expect(withFile.code).toBe('COMPOSE_NOT_FOUND');
    expect(withFile.message).toBe(`${path.join(dir, 'proj')} is a directory, not a compose file`);
    expect(withFile.hint).toBe(`name the compose file in it: -f ${path.join('proj', 'compose.yaml')}`);
    const without = errorOf(() => findComposeFiles(dir, ['empty']));
    expect(without.message).toBe(`${path.join(dir, 'empty')} is a directory, not a compose file`);
    expect(without.hint).toMatch(/^name a compose file, not a directory \(given with -f\); .* holds none of compose\.yaml/);
    const viaVariable = errorOf(() => findComposeFiles(dir, [], { COMPOSE_FILE: 'proj' }));
    expect(viaVariable.message).toContain('is a directory');
  });

  it('fails with a hint when there is no compose file', () => {
    const error = errorOf(() => findComposeFiles(dir));
    expect(error.code).toBe('COMPOSE_NOT_FOUND');
    expect(error.hint).toBe(
      'run `devenv init minimal .` to add compose.yaml and devenv.yaml here (`devenv init --list` for whole projects), create compose.yaml yourself (a Compose Specification file with a services: section), or pass -f FILE (or set COMPOSE_FILE)',
    );
  });
});

describe('loadComposeFromDisk', () => {
  it('reads .env (the shell wins), devenv variables, env_files and profiles', () => {
    write(
      'compose.yaml',
      [
        'services:',
        '  app:',
        '    image: "app:${TAG}"',
        '    env_file: app.env',
        '    environment:',
        '      STACK: ${DEVENV_STACK}',
        '      REGION: ${REGION}',
        '  debug:',
        '    image: busybox',
        '    profiles: [debug]',
      ].join('\n'),
    );
    write('.env', 'TAG=from-dotenv\nREGION=eu\nDEVENV_STACK=ignored\n');
    write('app.env', 'FROM_FILE=yes\n');
    const { project } = loadComposeFromDisk({
      cwd: dir,
      env: { REGION: 'us', PATH: '/bin', UNDEFINED: undefined },
      extraVars: { DEVENV_STACK: 'shop-main' },
      profiles: ['debug'],
    });
    expect(project.services.app?.image).toBe('app:from-dotenv');
    expect(project.services.app?.environment).toEqual({ FROM_FILE: 'yes', STACK: 'shop-main', REGION: 'us' });
    expect(Object.keys(project.services)).toEqual(['app', 'debug']);
    expect(project.workingDir).toBe(dir);
  });

  it('takes profiles from COMPOSE_PROFILES when none are given', () => {
    write('compose.yaml', 'services:\n  a:\n    image: x\n    profiles: [p]\n');
    expect(
      Object.keys(loadComposeFromDisk({ cwd: dir, env: { COMPOSE_PROFILES: 'q, p' } }).project.services),
    ).toEqual(['a']);
    expect(Object.keys(loadComposeFromDisk({ cwd: dir, env: {} }).project.services)).toEqual([]);
  });

  it('names a missing required env_file', () => {
    write('compose.yaml', 'services:\n  a:\n    image: x\n    env_file: [missing.env]\n');
    const error = errorOf(() => loadComposeFromDisk({ cwd: dir, env: {} }));
    expect(error.code).toBe('COMPOSE_REFERENCE');
    expect(error.message).toBe(
      `compose.yaml:4 services.a.env_file[0]: env_file ${path.join(dir, 'missing.env')} not found`,
    );
  });
});

describe('loadComposeFromDisk with extends and include', () => {
  it('reads the other files from disk', () => {
    write('common/base.yaml', 'services:\n  node:\n    image: node:20\n    build: ./app\n');
    write('db/compose.yaml', 'services:\n  db:\n    image: postgres:15\n');
    write(
      'compose.yaml',
      'include: [db/compose.yaml]\nservices:\n  web:\n    extends: {file: common/base.yaml, service: node}\n',
    );
    const { project } = loadComposeFromDisk({ cwd: dir, env: {} });
    expect(Object.keys(project.services).sort()).toEqual(['db', 'web']);
    expect(project.services['web']!.build?.context).toBe(path.join(dir, 'common/app'));
  });
});

describe('secret values of file: secrets', () => {
  it('reports the content and its long lines, so what prints them is masked', () => {
    write('compose.yaml', 'services:\n  app:\n    image: x\n    secrets: [key]\nsecrets:\n  key:\n    file: ./key.txt\n');
    write('key.txt', '  file-secret-value-1\ntrue\nsecond-line-secret\n');
    const reported: string[] = [];
    loadComposeFromDisk({ cwd: dir, env: {}, onSecretValues: (values) => reported.push(...values) });
    expect(reported).toContain('file-secret-value-1\ntrue\nsecond-line-secret');
    expect(reported).toContain('file-secret-value-1');
    expect(reported).toContain('second-line-secret');
    expect(reported).not.toContain('true');
  });
});

import { describe, expect, it } from 'vitest';
import { watchRules } from '../../../src/core/develop/watch-rules.js';
import { resolveText, WORKING_DIR } from '../compose/resolve-text.js';

describe('develop.watch rules', () => {
  it('reads sync, rebuild, sync+restart and restart rules with paths resolved against the project directory', () => {
    const { project } = resolveText(`
services:
  web:
    build: ./web
    develop:
      watch:
        - action: sync
          path: ./web/src
          target: /app/src/
          ignore: [node_modules/, "*.tmp"]
        - action: rebuild
          path: package.json
        - action: sync+restart
          path: ./web/nginx.conf
          target: /etc/nginx/nginx.conf
          initial_sync: true
        - action: restart
          path: ./web/reload.flag
          initial_sync: true
`);
    expect(watchRules(project)).toEqual({
      rules: [
        {
          service: 'web',
          action: 'sync',
          path: `${WORKING_DIR}/web/src`,
          target: '/app/src/',
          ignore: ['node_modules/', '*.tmp'],
        },
        { service: 'web', action: 'rebuild', path: `${WORKING_DIR}/package.json`, ignore: [] },
        {
          service: 'web',
          action: 'sync+restart',
          path: `${WORKING_DIR}/web/nginx.conf`,
          target: '/etc/nginx/nginx.conf',
          ignore: [],
          initialSync: true,
        },
        // initial_sync only means something for the sync actions.
        { service: 'web', action: 'restart', path: `${WORKING_DIR}/web/reload.flag`, ignore: [] },
      ],
      problems: [],
    });
  });

  it('says what is wrong with a rule and keeps the others', () => {
    const { project } = resolveText(`
services:
  api:
    build: .
    develop:
      watch:
        - action: sync
          path: ./src
        - action: sync+exec
          path: ./conf
          target: /etc/api
        - action: sync
          target: /app
        - action: rebuild
          path: ./Dockerfile
  db:
    image: postgres:15
    develop:
      watch:
        - action: sync
          path: ./db
          target: /db
`);
    const { rules, problems } = watchRules(project);
    expect(rules.map((rule) => `${rule.service} ${rule.action} ${rule.path}`)).toEqual([
      `api rebuild ${WORKING_DIR}/Dockerfile`,
    ]);
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'services.api.develop.watch[0].target: action sync needs an absolute container target; rule ignored',
      'services.api.develop.watch[1].exec.command: action sync+exec needs exec.command; rule ignored',
      'services.api.develop.watch[2].path: path is required (relative to the project directory); rule ignored',
      'services.db.develop.watch: develop.watch is only followed for services built from source (`build:`); ignored',
    ]);
  });

  it('has nothing to say about services without develop', () => {
    const { project } = resolveText('services:\n  web:\n    build: .\n');
    expect(watchRules(project)).toEqual({ rules: [], problems: [] });
  });
});

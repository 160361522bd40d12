import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { devenvTextError, parseDevenvText, validateDevenvSchema } from '../../support/devenv-yaml.js';
import { environmentOf } from '../../../src/core/config/environment.js';
import { isLocalEngineEndpoint, publishedHostOf } from '../../../src/core/config/engine-address.js';
import { DevenvError } from '../../../src/core/errors.js';

const validate = validateDevenvSchema;
const parse = parseDevenvText;
const errorOf = devenvTextError;

const issueExample = `environments:
  dev: {}
  test:
    compose: [compose.test.yaml]
    variables: { ENVIRONMENT: testing, CACHE_TTL: "0", RETRIES: 3 }
    ephemeral: true
    postgres: fast
  staging:
    compose: [compose.staging.yaml]
    engine: ssh://deploy@staging-host
  prod:
    compose: compose.prod.yaml
    engine: prod-context
    protected: true
parity:
  allow: ["services.*.environment.LOG_LEVEL", "services.*.deploy.replicas"]
`;

describe('devenv.yaml environments: and parity:', () => {
  it('reads the example of the issue, with the devenv.yaml line of every overlay', () => {
    const config = parse(issueExample);
    expect(config.environments).toEqual({
      dev: { name: 'dev', compose: [], composeAt: [], variables: {}, ephemeral: false, protected: false },
      test: {
        name: 'test',
        compose: ['compose.test.yaml'],
        composeAt: [{ line: 4, path: 'environments.test.compose[0]' }],
        variables: { ENVIRONMENT: 'testing', CACHE_TTL: '0', RETRIES: '3' },
        ephemeral: true,
        postgres: 'fast',
        protected: false,
      },
      staging: {
        name: 'staging',
        compose: ['compose.staging.yaml'],
        composeAt: [{ line: 9, path: 'environments.staging.compose[0]' }],
        variables: {},
        ephemeral: false,
        engine: 'ssh://deploy@staging-host',
        protected: false,
      },
      prod: {
        name: 'prod',
        compose: ['compose.prod.yaml'],
        composeAt: [{ line: 12, path: 'environments.prod.compose' }],
        variables: {},
        ephemeral: false,
        engine: 'prod-context',
        protected: true,
      },
    });
    expect(config.parity).toEqual({
      allow: ['services.*.environment.LOG_LEVEL', 'services.*.deploy.replicas'],
    });
    expect(validate(parseYaml(issueExample))).toBe(true);
  });

  it.each([
    [
      'environments:\n  test:\n    composer: [a.yaml]\n',
      'devenv.yaml:3 environments.test.composer: unknown key "composer"',
    ],
    [
      'environments:\n  test:\n    ephemeral: yes-please\n',
      'devenv.yaml:3 environments.test.ephemeral: must be true or false',
    ],
    [
      'environments:\n  Test_1: {}\n',
      'devenv.yaml:2 environments.Test_1: "Test_1" is not a plain environment name',
    ],
    [
      'environments:\n  test:\n    postgres: turbo\n',
      'devenv.yaml:3 environments.test.postgres: must be one of: fast (got "turbo")',
    ],
    [
      'environments:\n  s:\n    engine: "ftp://x"\n',
      'devenv.yaml:3 environments.s.engine: "ftp://x" uses an unsupported scheme ftp:',
    ],
    [
      'environments:\n  s:\n    engine: tcp://host\n',
      'devenv.yaml:3 environments.s.engine: "tcp://host" needs a port',
    ],
    [
      'environments:\n  s:\n    engine: "my context"\n',
      'devenv.yaml:3 environments.s.engine: "my context" is neither an engine address',
    ],
    [
      'environments:\n  s:\n    variables: [A]\n',
      'devenv.yaml:3 environments.s.variables: must be a mapping of variable names to values',
    ],
    [
      'environments:\n  s:\n    variables: { "A-B": 1 }\n',
      'devenv.yaml:3 environments.s.variables.A-B: "A-B" is not a variable name',
    ],
    [
      'environments: [dev]\n',
      'devenv.yaml:1 environments: must be a mapping of environment names to settings',
    ],
    [
      'environments:\n  s:\n    registry: https://r.example.com\n',
      'devenv.yaml:3 environments.s.registry: "https://r.example.com" has a scheme',
    ],
    [
      'registry: myregistry/team\n',
      'devenv.yaml:1 registry: "myregistry" would be read as a Docker Hub user',
    ],
    [
      'registry: "r.example.com/Team"\n',
      'devenv.yaml:1 registry: "Team" is not a valid repository path part',
    ],
    ['registry: 5000\n', 'devenv.yaml:1 registry: must be a non-empty string'],
    ['parity:\n  allow: 3\n', 'devenv.yaml:2 parity.allow: must be a dotted path glob or a list of them'],
    ['parity:\n  deny: []\n', 'devenv.yaml:2 parity.deny: unknown key "deny" (expected one of: allow)'],
  ])('rejects %j at file:line key.path', (text, message) => {
    const error = errorOf(text);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(message);
    expect(validate(parseYaml(text)), text).toBe(false);
  });

  it('reads registry: at the top level and per environment (HOST[:PORT][/PATH], trailing slash dropped)', () => {
    const text =
      'registry: registry.example.com/team/\nenvironments:\n  swarm:\n    registry: 10.0.0.5:5000\n';
    const config = parse(text);
    expect(config.registry).toBe('registry.example.com/team');
    expect(config.environments?.['swarm']?.registry).toBe('10.0.0.5:5000');
    expect(validate(parseYaml(text))).toBe(true);
    expect(parse('registry: localhost:5000\n').registry).toBe('localhost:5000');
  });

  it('implies dev, and names the defined environments for an unknown one', () => {
    expect(environmentOf(parse(''), 'dev')).toMatchObject({ name: 'dev', compose: [], protected: false });
    // The article's four exist without being written; an unwritten prod is protected.
    expect(environmentOf(parse(''), 'staging')).toMatchObject({ name: 'staging', protected: false });
    expect(environmentOf(parse(''), 'prod')).toMatchObject({ name: 'prod', protected: true });
    const config = parse(issueExample);
    expect(environmentOf(config, 'test').postgres).toBe('fast');
    let caught: unknown;
    try {
      environmentOf(config, 'qa');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DevenvError);
    expect((caught as DevenvError).code).toBe('ENV_UNKNOWN');
    expect((caught as DevenvError).message).toBe(
      'There is no environment "qa"; this project has: dev, test, staging, prod.',
    );
    expect(() => environmentOf(config, 'toString')).toThrow(/no environment "toString"/);
  });

  it('calls unix sockets and loopback tcp local, ssh and other hosts not', () => {
    expect(isLocalEngineEndpoint('unix:///var/run/docker.sock')).toBe(true);
    expect(isLocalEngineEndpoint('tcp://127.0.0.1:2375')).toBe(true);
    expect(isLocalEngineEndpoint('tcp://[::1]:2375')).toBe(true);
    expect(isLocalEngineEndpoint('tcp://localhost:2376')).toBe(true);
    expect(isLocalEngineEndpoint('tcp://10.0.0.5:2376')).toBe(false);
    expect(isLocalEngineEndpoint('ssh://deploy@staging-host')).toBe(false);
  });

  it("reaches an engine address's published ports at its host, loopback for a local one", () => {
    expect(publishedHostOf('unix:///run/docker.sock')).toBe('127.0.0.1');
    expect(publishedHostOf('tcp://localhost:2375')).toBe('127.0.0.1');
    expect(publishedHostOf('tcp://10.0.0.5:2376')).toBe('10.0.0.5');
    expect(publishedHostOf('ssh://deploy@[fd00::5]:22')).toBe('fd00::5');
    expect(publishedHostOf('ssh://deploy@staging-host')).toBe('staging-host');
    expect(publishedHostOf('staging-context')).toBeUndefined();
  });
});

/** The name an image gets in a swarm's registry, and the credentials docker's config holds for it. */
import { describe, expect, it } from 'vitest';
import { registryAuth } from '../../../src/core/swarm/registry-auth.js';
import { registryReference, repositoryPath } from '../../../src/core/swarm/registry-reference.js';

describe('registryReference', () => {
  it.each([
    ['devenv-shop-app:latest', 'devenv-shop-app'],
    ['devenv/b/app', 'devenv/b/app'],
    ['localhost:5000/team/app:1', 'team/app'],
    ['ghcr.io/org/app:2@sha256:abc', 'org/app'],
    ['user/app:3', 'user/app'],
  ])('%s -> repository path %s', (image, path) => {
    expect(repositoryPath(image)).toBe(path);
  });

  it('tags the repository under the registry with the start of the image id', () => {
    expect(registryReference('10.0.0.5:5000', 'devenv-shop-app:latest', 'sha256:' + 'ab12'.repeat(16))).toBe(
      '10.0.0.5:5000/devenv-shop-app:ab12ab12ab12',
    );
  });
});

describe('registryAuth', () => {
  const auth = Buffer.from('deploy:s3cret:with-colon').toString('base64');
  const config = JSON.stringify({
    auths: {
      'https://registry.example.com/v1/': { auth },
      'token.example.com': { identitytoken: 'tok' },
    },
  });

  it("reads docker login's entry for the host (a key with a scheme and path too)", () => {
    expect(registryAuth(config, 'registry.example.com')).toEqual({
      serveraddress: 'registry.example.com',
      username: 'deploy',
      password: 's3cret:with-colon',
    });
    expect(registryAuth(config, 'token.example.com')).toEqual({
      serveraddress: 'token.example.com',
      identitytoken: 'tok',
    });
  });

  it('is anonymous for another host, no config, or a config that is not JSON', () => {
    expect(registryAuth(config, 'other.example.com')).toEqual({ serveraddress: 'other.example.com' });
    expect(registryAuth(undefined, 'x.example')).toEqual({ serveraddress: 'x.example' });
    expect(registryAuth('{', 'x.example')).toEqual({ serveraddress: 'x.example' });
  });
});

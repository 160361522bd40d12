import { describe, expect, it } from 'vitest';
import {
  dnsLabel,
  httpRoutePort,
  proxyRoutes,
  renderCaddyfile,
  routeHost,
  routeUrl,
  type RoutedService,
} from '../../../src/core/proxy/routes.js';

const web = (over: Partial<RoutedService> = {}): RoutedService => ({
  stack: 'shop-feature-x-preview-abc123',
  project: 'shop',
  branch: 'feature/x',
  owner: 'preview',
  environment: 'dev',
  preview: true,
  service: 'web',
  container: 'shop-feature-x-preview-abc123-web-1',
  port: 3000,
  ...over,
});

describe('proxy host names', () => {
  it('names a preview <service>.<branch>.<project>.localhost', () => {
    expect(routeHost(web())).toBe('web.feature-x.shop.localhost');
  });

  it("adds the owner for a developer's own stack, so it never shares the preview's name", () => {
    expect(routeHost(web({ preview: false, owner: 'alice' }))).toBe('web.feature-x.alice.shop.localhost');
  });

  it('names an environment other than dev after the branch', () => {
    expect(routeHost(web({ environment: 'staging' }))).toBe('web.feature-x.staging.shop.localhost');
  });

  it('makes DNS labels of anything', () => {
    expect(dnsLabel('Feature/Ünïcode__x--')).toBe('feature-n-code-x');
    expect(dnsLabel('---')).toBe('x');
    expect(dnsLabel('a'.repeat(80)).length).toBe(40);
  });

  it('keeps two branches apart that read alike as DNS labels', () => {
    const routes = proxyRoutes([
      web(),
      web({ stack: 'shop-feature-x-preview-def456', branch: 'feature-x', container: 'c2' }),
    ]);
    expect(routes.map((r) => r.host)).toHaveLength(2);
    expect(new Set(routes.map((r) => r.host)).size).toBe(2);
    expect(routes.find((r) => r.stack === 'shop-feature-x-preview-abc123')?.host).toBe(
      'web.feature-x.shop.localhost',
    );
  });

  it('writes URLs with the proxy port, leaving out 80', () => {
    expect(routeUrl('web.main.shop.localhost', 8780)).toBe('http://web.main.shop.localhost:8780/');
    expect(routeUrl('web.main.shop.localhost', 80)).toBe('http://web.main.shop.localhost/');
  });
});

describe('the Caddyfile', () => {
  it('has one site per route to container:port, and a 404 for any other host', () => {
    const text = renderCaddyfile(
      proxyRoutes([web(), web({ service: 'api', port: 8080, container: 'c-api' })]),
    );
    expect(text).toContain(
      'http://web.feature-x.shop.localhost {\n\treverse_proxy shop-feature-x-preview-abc123-web-1:3000\n}',
    );
    expect(text).toContain('http://api.feature-x.shop.localhost {\n\treverse_proxy c-api:8080\n}');
    expect(text).toContain('auto_https off');
    expect(text).toMatch(/:80 \{\n\trespond "devenv: no stack answers at \{host\}" 404\n\}/);
  });

  it('with no routes still answers (404)', () => {
    expect(renderCaddyfile([])).toContain(':80 {');
  });
});

describe('which port a service is routed to', () => {
  const tcp = (containerPort: number) => ({ containerPort, protocol: 'tcp' as const });
  it('the first published TCP port of an HTTP service', () => {
    expect(httpRoutePort([tcp(3000), tcp(9229)], { kind: 'tcp', containerPort: 3000 })).toBe(3000);
    expect(
      httpRoutePort([tcp(8080)], { kind: 'healthcheck', test: ['CMD', 'true'], source: 'template' }),
    ).toBe(8080);
  });
  it('none for databases and caches, nor for services without a published port', () => {
    expect(
      httpRoutePort([tcp(5432)], { kind: 'postgres', containerPort: 5432, user: 'u', database: 'd' }),
    ).toBeUndefined();
    expect(httpRoutePort([tcp(6379)], { kind: 'tcp', containerPort: 6379 })).toBeUndefined();
    expect(httpRoutePort([], { kind: 'running' })).toBeUndefined();
    expect(httpRoutePort([{ containerPort: 53, protocol: 'udp' }], { kind: 'running' })).toBeUndefined();
  });
});

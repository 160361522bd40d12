import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

const urls = { DATABASE_URL: 'postgresql://user:pass@postgres:5432/app', REDIS_URL: 'redis://redis:6379' };

describe('loadConfig', () => {
  it('defaults to development, with a short cache and debug logs', () => {
    expect(loadConfig(urls)).toMatchObject({
      environment: 'development',
      logLevel: 'debug',
      cacheTtl: 60,
      maxConnections: 10,
      port: 8080,
    });
  });

  it("takes each environment's defaults, and the variables over them", () => {
    expect(loadConfig({ ...urls, ENVIRONMENT: 'testing' }).cacheTtl).toBe(0);
    expect(loadConfig({ ...urls, ENVIRONMENT: 'production' })).toMatchObject({
      logLevel: 'warning',
      maxConnections: 100,
    });
    expect(loadConfig({ ...urls, ENVIRONMENT: 'staging', MAX_CONNECTIONS: '20' }).maxConnections).toBe(20);
  });

  it('names what is wrong', () => {
    expect(() => loadConfig({ ...urls, ENVIRONMENT: 'qa' })).toThrow(/ENVIRONMENT must be one of/);
    expect(() => loadConfig({ ...urls, CACHE_TTL: 'soon' })).toThrow('CACHE_TTL must be a whole number');
    expect(() => loadConfig({ REDIS_URL: urls.REDIS_URL })).toThrow('DATABASE_URL is not set');
  });
});

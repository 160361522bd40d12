import { describe, expect, it } from 'vitest';
import { requireServices } from '../../../src/core/compose/require-services.js';
import { errorOf, resolveText, resolveTexts } from './resolve-text.js';

const check = (text: string, activeProfiles: string[] = []) =>
  errorOf(() => requireServices(resolveText(text, { activeProfiles }).project));

describe('requireServices', () => {
  it('an empty file, or one without services, is COMPOSE_INVALID naming the file', () => {
    for (const text of ['', '# nothing yet\n', 'services: {}\n', 'name: demo\nvolumes:\n  data: {}\n']) {
      const error = check(text);
      expect(error.code).toBe('COMPOSE_INVALID');
      expect(error.message).toBe('compose.yaml defines no services');
      expect(error.location).toEqual({ file: 'compose.yaml' });
      expect(error.hint).toContain('services:');
    }
    const two = errorOf(() =>
      requireServices(resolveTexts({ 'compose.yaml': '', 'compose.override.yaml': 'services: {}\n' }).project),
    );
    expect(two.message).toBe('compose.yaml, compose.override.yaml define no services');
  });

  it('says so when every service is left out by its profiles', () => {
    const text =
      'services:\n  web:\n    image: x\n    profiles: [debug]\n  worker:\n    image: x\n    profiles: [jobs, debug]\n';
    const error = check(text);
    expect(error.code).toBe('COMPOSE_INVALID');
    expect(error.message).toBe(
      'no services to start: every service in compose.yaml is left out by its profiles, and none of them is active (web: "debug"; worker: "jobs", "debug")',
    );
    expect(error.hint).toBe('activate a profile with --profile debug (or COMPOSE_PROFILES=debug,jobs)');
  });

  it('accepts a project with at least one service', () => {
    expect(() =>
      requireServices(resolveText('services:\n  web:\n    image: x\n    profiles: [debug]\n', { activeProfiles: ['debug'] }).project),
    ).not.toThrow();
    expect(() => requireServices(resolveText('services:\n  web:\n    image: x\n').project)).not.toThrow();
  });
});

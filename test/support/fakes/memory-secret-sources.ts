/**
 * Secret sources in memory: the secrets file's values per environment, the
 * shell's from the request, command outputs by command line; every read is
 * recorded (to see what was asked, and in which order).
 */
import type { SecretOrigin } from '../../../src/core/config/devenv-config.js';
import type { SecretRequest, SecretSources } from '../../../src/contracts/secret-source.js';

export interface MemorySecretSources extends SecretSources {
  reads: { origin: SecretOrigin; name: string; environment: string; command?: string }[];
}

export function memorySecretSources(
  given: {
    files?: Record<string, Record<string, string>>;
    commands?: Record<string, string | Error>;
  } = {},
): MemorySecretSources {
  const reads: MemorySecretSources['reads'] = [];
  const record = (origin: SecretOrigin, request: SecretRequest) =>
    reads.push({
      origin,
      name: request.name,
      environment: request.environment,
      ...(request.command !== undefined ? { command: request.command } : {}),
    });
  return {
    reads,
    file: {
      read: async (request, notes) => {
        record('file', request);
        const values = given.files?.[request.environment] ?? {};
        notes.onSecretValues(Object.values(values));
        return values[request.name];
      },
    },
    env: {
      read: async (request) => {
        record('env', request);
        return request.env[request.name] || undefined;
      },
    },
    command: {
      read: async (request) => {
        record('command', request);
        const output = given.commands?.[request.command ?? ''];
        if (output instanceof Error) throw output;
        return output;
      },
    },
  };
}

import { describe, expect, it } from 'vitest';
import { describeRunEnd } from '../../../src/core/stack/run-end.js';

describe("how a container's last run ended", () => {
  it('names the exit code, a signal, and an out-of-memory kill with its limit', () => {
    expect(describeRunEnd({ exitCode: 3 })).toBe('exited with code 3');
    expect(describeRunEnd({ exitCode: 137 })).toBe('killed by SIGKILL (exit 137)');
    expect(describeRunEnd({ exitCode: 139 })).toBe('killed by SIGSEGV (exit 139)');
    expect(describeRunEnd({ exitCode: 137, oomKilled: true, memoryLimitBytes: 64 * 1024 * 1024 })).toBe(
      'killed for want of memory (OOMKilled, limit 64 MiB; exit 137)',
    );
    expect(describeRunEnd({ oomKilled: true })).toBe(
      'killed for want of memory (OOMKilled, no memory limit set)',
    );
    expect(describeRunEnd({})).toBe('ended (exit code unknown)');
  });
});

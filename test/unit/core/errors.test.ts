import { describe, expect, it } from 'vitest';
import { CommandFailedError, DevenvError, isDevenvError } from '../../../src/core/errors.js';

describe('CommandFailedError', () => {
  it('names the command, how it ended and keeps its last output lines', () => {
    const error = new CommandFailedError(
      {
        label: "The test database's migrate command",
        command: 'npm run migrate',
        exitCode: 2,
        outputTail: ['ERROR: relation "users" does not exist'],
      },
      { hint: 'Fix it and save.' },
    );
    expect(isDevenvError(error)).toBe(true);
    expect(error).toBeInstanceOf(DevenvError);
    expect(error.code).toBe('COMMAND_FAILED');
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe("The test database's migrate command failed (exit 2): npm run migrate");
    expect(error.details).toEqual(['ERROR: relation "users" does not exist']);
    expect(error.hint).toBe('Fix it and save.');
    expect(error.failed.exitCode).toBe(2);
  });

  it('leaves the exit out when the command did not exit normally', () => {
    const error = new CommandFailedError({
      label: 'seed',
      command: 'x',
      exitCode: undefined,
      outputTail: [],
    });
    expect(error.message).toBe('seed failed: x');
  });
});

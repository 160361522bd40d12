import { describe, expect, it } from 'vitest';
import {
  secretsFileModeWarning,
  secretsFileName,
  trackedSecretsFileError,
} from '../../../src/core/secrets/secrets-file.js';

describe('the secrets file', () => {
  it('is named for its environment', () => {
    expect(secretsFileName('prod')).toBe('secrets.prod.env');
  });

  it('tracked by git: refused with git rm --cached, the .gitignore line and rotation', () => {
    const error = trackedSecretsFileError('secrets.prod.env', 'tracked', '/p');
    expect(error?.code).toBe('SECRET_FILE_TRACKED');
    expect(error?.message).toBe(
      'secrets.prod.env is tracked by git, so its secrets are in the repository; devenv does not read it.',
    );
    expect(error?.hint).toBe(
      'In /p: run `git rm --cached secrets.prod.env`, add the line `secrets.*.env` to .gitignore, commit, and rotate the secrets it held (they stay in the history).',
    );
  });

  it('not ignored: refused with the .gitignore line to add', () => {
    const error = trackedSecretsFileError('secrets.dev.env', 'not-ignored', '/p');
    expect(error?.message).toBe(
      'secrets.dev.env is not ignored by git: `git add` would commit its secrets; devenv does not read it.',
    );
    expect(error?.hint).toBe('Add the line `secrets.*.env` to .gitignore in /p.');
  });

  it('ignored, or outside a repository: read', () => {
    expect(trackedSecretsFileError('secrets.dev.env', 'ignored', '/p')).toBeUndefined();
    expect(trackedSecretsFileError('secrets.dev.env', 'no-repository', '/p')).toBeUndefined();
  });

  it('readable by group or others: a warning with the chmod', () => {
    expect(secretsFileModeWarning('secrets.dev.env', 0o100600)).toBeUndefined();
    expect(secretsFileModeWarning('secrets.dev.env', 0o100644)).toEqual({
      message: 'secrets.dev.env is readable by its group and others (mode 644).',
      hint: 'Run `chmod 600 secrets.dev.env`.',
    });
    expect(secretsFileModeWarning('secrets.dev.env', 0o100640)?.message).toBe(
      'secrets.dev.env is readable by its group (mode 640).',
    );
  });
});

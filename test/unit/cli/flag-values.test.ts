import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { joinNegativeNumberValues } from '../../../src/cli/argv.js';
import { commonOptions, stackOptions, type OptionSpec } from '../../../src/cli/command.js';
import { parseDurationSeconds, parsePositiveDurationSeconds } from '../../../src/cli/duration.js';
import { DevenvError } from '../../../src/core/errors.js';

function usageError(run: () => unknown): DevenvError {
  try {
    run();
  } catch (error) {
    if (error instanceof DevenvError) return error;
    throw error;
  }
  throw new Error('expected a DevenvError');
}

describe('positive durations (--timeout, --ttl)', () => {
  it('accepts durations above zero', () => {
    expect(parsePositiveDurationSeconds('120s', '--timeout', '120s')).toBe(120);
    expect(parsePositiveDurationSeconds('500ms', '--timeout', '120s')).toBe(0.5);
    expect(parsePositiveDurationSeconds('4h', '--ttl', '4h')).toBe(14_400);
  });

  it('rejects zero and negative values as usage errors that say the value must be positive', () => {
    for (const text of ['0', '0s', '0m0s', '-5', '-5s']) {
      const error = usageError(() => parsePositiveDurationSeconds(text, '--timeout', '120s'));
      expect(error.code).toBe('USAGE');
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(`--timeout must be a positive duration, not "${text}".`);
      expect(error.hint).toBe('For example --timeout 120s.');
    }
    expect(usageError(() => parsePositiveDurationSeconds('0', '--ttl', '4h')).message).toBe(
      '--ttl must be a positive duration, not "0".',
    );
  });

  it('still says what a duration looks like for other text', () => {
    expect(usageError(() => parsePositiveDurationSeconds('-soon', '--timeout', '120s')).message).toBe(
      '--timeout expects a duration like 90s, 30m or 4h, not "-soon".',
    );
    expect(parseDurationSeconds('0', '--debounce')).toBe(0);
  });
});

describe('negative numbers as option values', () => {
  const options: OptionSpec = {
    ...commonOptions,
    timeout: { type: 'string' },
    detach: { type: 'boolean', short: 'd' },
  };

  it('joins a negative number to the string option before it, so parseArgs takes it as the value', () => {
    expect(joinNegativeNumberValues(['-d', '--timeout', '-5'], options)).toEqual(['-d', '--timeout=-5']);
    expect(joinNegativeNumberValues(['-f', '-1.yaml'], options)).toEqual(['--file=-1.yaml']);
    const parsed = parseArgs({
      args: joinNegativeNumberValues(['--timeout', '-5s'], options),
      options,
      strict: true,
    });
    expect(parsed.values['timeout']).toBe('-5s');
  });

  it('leaves other words alone', () => {
    const words = ['-d', '--timeout=-5', '--json', '--branch', '-x', '--', '--timeout', '-5'];
    expect(joinNegativeNumberValues(words, options)).toEqual(words);
    expect(joinNegativeNumberValues(['--json', '-5'], options)).toEqual(['--json', '-5']);
  });
});

describe('--branch and --stack values', () => {
  const parsed = (values: Record<string, string>) => ({ values, positionals: [] });

  it('rejects an empty --branch or --stack (exit 2) with what to pass', () => {
    for (const [flag, value] of [
      ['branch', ''],
      ['branch', '  '],
      ['stack', ''],
    ] as const) {
      const error = usageError(() => stackOptions(parsed({ [flag]: value })));
      expect(error.code).toBe('USAGE');
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(`--${flag} needs a ${flag} name, not an empty string.`);
    }
    expect(stackOptions(parsed({ branch: 'main', stack: 's' }))).toEqual({
      branch: 'main',
      stack: 's',
      environment: 'dev',
    });
  });

  it('takes the environment from --env, else DEVENV_ENV, else dev; an empty one is a usage error', () => {
    expect(stackOptions(parsed({ env: 'test' }), { DEVENV_ENV: 'staging' }).environment).toBe('test');
    expect(stackOptions(parsed({}), { DEVENV_ENV: 'staging' }).environment).toBe('staging');
    expect(stackOptions(parsed({}), {}).environment).toBe('dev');
    const error = usageError(() => stackOptions(parsed({ env: ' ' })));
    expect(error.message).toBe('--env needs an environment name, not an empty string.');
  });
});

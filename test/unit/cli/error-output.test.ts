import { describe, expect, it } from 'vitest';
import { renderError } from '../../../src/cli/error-handler.js';
import { DevenvError } from '../../../src/core/errors.js';
import { errorOf, resolveText } from '../compose/resolve-text.js';

const plain = (error: unknown) => renderError(error, false).text.split('\n');

describe('error output', () => {
  it("prints a compose file's problem once, not again as a detail", () => {
    const lines = plain(errorOf(() => resolveText('\u0000\u0001ELF binary\u0002\n')));
    expect(lines.filter((line) => line.includes('compose.yaml: must be object'))).toHaveLength(1);
  });

  it('prints a list of problems once', () => {
    const error = errorOf(() => resolveText('services:\n  app:\n    image: 5\n    restart: [always]\n'));
    const lines = plain(error);
    expect(lines.filter((line) => line.includes('services.app.image: must be string'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('services.app.restart: must be string'))).toHaveLength(1);
    // JSON keeps the list for tools.
    expect(JSON.parse(renderError(error, true).text).details).toHaveLength(2);
  });

  it('still prints details the message does not hold (a service log tail)', () => {
    const lines = plain(
      new DevenvError('SERVICE_FAILED', 'Service "db" failed', { details: ['FATAL: role missing'] }),
    );
    expect(lines).toContain('  FATAL: role missing');
  });
});

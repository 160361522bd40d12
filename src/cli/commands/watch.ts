import { startTestSession } from '../../app/testing/test-session.js';
import { stackTestDatabase } from '../../app/testing/stack-test-database.js';
import { commonOptions, stackOptions, type Command } from '../command.js';
import { parseDurationSeconds } from '../duration.js';
import { eventRenderer } from '../event-renderer.js';

export const watchCommand: Command = {
  name: 'watch',
  summary: 'watch the project and rerun the affected unit and integration tests on every change',
  usage: 'devenv watch [--run-all] [--debounce 75ms] [--json] [-f FILE]... [--branch B | --stack S]',
  options: {
    ...commonOptions,
    'run-all': { type: 'boolean' },
    debounce: { type: 'string' },
  },
  async run(ctx, io, parsed) {
    const v = parsed.values;
    io.setRenderer(eventRenderer(ctx, io, { json: v['json'] === true }));
    const debounce = typeof v['debounce'] === 'string' ? v['debounce'] : undefined;
    const session = await startTestSession(ctx, {
      stack: stackOptions(parsed),
      runAllOnStart: v['run-all'] === true,
      testDatabase: stackTestDatabase(ctx, stackOptions(parsed)),
      ...(debounce === undefined ? {} : { debounceMs: debounceMs(debounce) }),
    });
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await session.close();
    return 0;
  },
};

function debounceMs(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  if (/^\d+ms$/.test(text)) return Number(text.slice(0, -2));
  return Math.round(parseDurationSeconds(text, '--debounce') * 1000);
}

import { gc } from '../../app/gc.js';
import { commonOptions, type Command } from '../command.js';
import { eventRenderer } from '../event-renderer.js';
import { checkChosenEnvironment } from '../chosen-environment.js';
import { previewDeps } from '../preview-deps.js';

export const gcCommand: Command = {
  name: 'gc',
  effect: { changes: 'removes expired stacks and leftover images', readOnlyWith: ['dry-run'] },
  summary:
    'remove expired ephemeral stacks (TTL passed or owner process gone), expired previews and those of deleted or merged branches, leftover images and stale data caches',
  usage: 'devenv gc [--dry-run] [--data-cache] [--all-users] [--json] [--env NAME]',
  options: {
    ...commonOptions,
    'dry-run': { type: 'boolean' },
    'data-cache': { type: 'boolean' },
    'all-users': { type: 'boolean' },
  },
  async run(ctx, io, parsed) {
    checkChosenEnvironment(ctx, parsed);
    const json = parsed.values['json'] === true;
    if (!json) io.setRenderer(eventRenderer(ctx, io, { json: false }));
    const dryRun = parsed.values['dry-run'] === true;
    const verdicts = await gc(
      ctx,
      {
        dryRun,
        dataCache: parsed.values['data-cache'] === true,
        allUsers: parsed.values['all-users'] === true,
      },
      previewDeps(ctx.env),
    );
    if (json) io.stdout(JSON.stringify({ dryRun, stacks: verdicts }, null, 2));
    else if (verdicts.length === 0) io.stdout('Nothing to collect.');
    else
      for (const v of verdicts)
        io.stdout(
          `${dryRun ? 'would remove' : 'removed'} ${v.preview ? `preview of ${v.preview.branch} (${v.stack})` : v.stack}: ${v.reason}`,
        );
    return 0;
  },
};

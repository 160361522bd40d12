/**
 * For commands that act on a whole engine (ls, gc): `--env NAME` (or DEVENV_ENV)
 * picks the environment's engine. A name devenv.yaml does not define must fail,
 * not fall back to the shell's engine: `gc --env remtoe` would collect there.
 */
import type { AppContext } from '../app/context.js';
import { targetEnvironment } from '../app/stack-target.js';
import { environmentOption, type ParsedCommand } from './command.js';

export function checkChosenEnvironment(ctx: AppContext, parsed: ParsedCommand): void {
  const chosen = typeof parsed.values['env'] === 'string' || Boolean(ctx.env['DEVENV_ENV']);
  if (chosen) targetEnvironment(ctx, { environment: environmentOption(parsed, ctx.env) });
}

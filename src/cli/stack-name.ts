/** The stack a command addresses: --stack as given (no template needed), else the template's identity. */
import type { AppContext } from '../app/context.js';
import { resolveStackTarget, type StackOptions } from '../app/stack-target.js';
import { DevenvError } from '../core/errors.js';

export async function stackNameFor(ctx: AppContext, options: StackOptions): Promise<string> {
  if (options.stack !== undefined) return options.stack;
  try {
    return (await resolveStackTarget(ctx, options)).identity.name;
  } catch (error) {
    // Without a template the stack can still be named: say how.
    if (error instanceof DevenvError && error.code === 'COMPOSE_NOT_FOUND') {
      throw new DevenvError('COMPOSE_NOT_FOUND', error.message, {
        hint: 'Run this in the project directory, pass -f FILE, or name the stack with --stack NAME (`devenv ls` lists them).',
        cause: error,
      });
    }
    throw error;
  }
}

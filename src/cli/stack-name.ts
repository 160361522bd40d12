/** The stack a command addresses: --stack as given (no template needed), else the template's identity. */
import type { AppContext } from '../app/context.js';
import { resolveStackTarget, type StackOptions } from '../app/stack-target.js';

export async function stackNameFor(ctx: AppContext, options: StackOptions): Promise<string> {
  return options.stack ?? (await resolveStackTarget(ctx, options)).identity.name;
}

/**
 * The stack a command addresses: --stack as given (no template needed), else
 * the template's identity. Commands that only remove or read a stack (down,
 * logs) may find it by its labels when the template cannot be resolved.
 */
import path from 'node:path';
import type { AppContext } from '../app/context.js';
import { stacksByLabels } from '../app/stack-by-labels.js';
import { resolveStackTarget, type StackOptions } from '../app/stack-target.js';
import { findComposeFiles } from '../adapters/fs/compose-files.js';
import { DevenvError } from '../core/errors.js';

const STACK_HINT = 'name the stack with --stack NAME (`devenv ls` lists them)';

export interface StackNameChoice {
  /** When the template cannot be resolved, find the stack by its labels (down, logs). */
  byLabels?: boolean;
}

export async function stackNameFor(
  ctx: AppContext,
  options: StackOptions,
  choice: StackNameChoice = {},
): Promise<string> {
  if (options.stack !== undefined) return options.stack;
  try {
    return (await resolveStackTarget(ctx, options)).identity.name;
  } catch (error) {
    if (!(error instanceof DevenvError)) throw error;
    if (error.code === 'COMPOSE_NOT_FOUND') {
      // Without a template the stack can still be named: say how.
      throw new DevenvError('COMPOSE_NOT_FOUND', error.message, {
        hint: `Run this in the project directory, pass -f FILE, or ${STACK_HINT}.`,
        cause: error,
      });
    }
    if (choice.byLabels) {
      const found = await labelledStack(ctx, options);
      if (found.length === 1) {
        ctx.emit({
          type: 'warning',
          warning: {
            message: `the template could not be read (${error.message.split('\n')[0]}); using stack ${found[0]}, found by its labels`,
          },
        });
        return found[0]!;
      }
      if (found.length > 1)
        throw new DevenvError(
          error.code,
          `${error.message}\nThis directory has several stacks on this branch: ${found.join(', ')}.`,
          { hint: `Fix the template, or ${STACK_HINT}.`, cause: error, details: error.details },
        );
    }
    throw new DevenvError(error.code, error.message, {
      hint: `${error.hint ? `${error.hint.replace(/\.$/, '')}; or ` : ''}${STACK_HINT}.`,
      cause: error,
      details: error.details,
      ...(error.location ? { location: error.location } : {}),
    });
  }
}

async function labelledStack(ctx: AppContext, options: StackOptions): Promise<string[]> {
  let files: string[];
  try {
    files = findComposeFiles(ctx.cwd, options.files, ctx.env);
  } catch {
    return [];
  }
  const branch = options.branch ?? (await ctx.gitBranch(ctx.cwd));
  return stacksByLabels(ctx, {
    workingDir: path.dirname(files[0] ?? path.join(ctx.cwd, 'compose.yaml')),
    branch,
    owner: ctx.host.user,
  });
}

/** `devenv logs`: a stack's logs, per service, optionally followed. */
import { DevenvError } from '../core/errors.js';
import type { AppContext } from './context.js';

export interface LogsOptions {
  stack: string;
  service?: string;
  follow: boolean;
  tail?: number;
}

export async function stackLogs(ctx: AppContext, options: LogsOptions): Promise<void> {
  const backend = await ctx.backend();
  const observed = await backend.observe(options.stack);
  const containers = observed.containers.filter(
    (container) => options.service === undefined || container.facts.service === options.service,
  );
  if (containers.length === 0) {
    const known = [...new Set(observed.containers.map((c) => c.facts.service))].join(', ');
    throw options.service !== undefined && observed.containers.length > 0
      ? new DevenvError(
          'SERVICE_NOT_FOUND',
          `Stack "${options.stack}" has no service "${options.service}".`,
          { hint: `Its services: ${known}.` },
        )
      : new DevenvError('STACK_NOT_FOUND', `Stack "${options.stack}" has no containers.`, {
          hint: 'Start it with `devenv up`; `devenv ls` lists stacks.',
        });
  }
  await Promise.all(
    containers.map((container) =>
      backend.logs(
        container.id,
        { follow: options.follow, tail: options.tail ?? 'all', signal: ctx.signal },
        (line) =>
          ctx.emit({
            type: 'log',
            service: container.facts.service,
            stream: line.stream,
            line: line.text,
          }),
      ),
    ),
  );
}

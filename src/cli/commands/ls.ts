import { listStacks, type StackSummary } from '../../app/list-stacks.js';
import { formatPorts } from '../../ui/format-ports.js';
import { formatAge } from '../../ui/format-age.js';
import { commonOptions, type Command } from '../command.js';
import { checkChosenEnvironment } from '../chosen-environment.js';

function table(stacks: StackSummary[]): string[] {
  if (stacks.length === 0) return ['No devenv stacks on this engine.'];
  const lines: string[] = [];
  for (const stack of stacks) {
    lines.push(
      `${stack.stack}  project=${stack.project} env=${stack.environment} branch=${stack.branch} owner=${stack.owner} age=${formatAge(stack.ageSeconds)}${stack.lease.ephemeral ? ' ephemeral' : ''}`,
    );
    const width = Math.max(...stack.services.map((s) => s.service.length), 7);
    for (const service of stack.services) {
      const health = service.health === 'none' ? '' : ` (${service.health})`;
      const restarts = service.restartCount > 0 ? `  restarts=${service.restartCount}` : '';
      const ended =
        service.lastExit !== undefined && service.state !== 'running' ? `  last run ${service.lastExit}` : '';
      // Swarm: each task, its state and the node it runs on.
      const tasks =
        service.tasks !== undefined && service.tasks.length > 0
          ? `  tasks: ${service.tasks.map((task) => `${task.task.slice(task.task.lastIndexOf('.') + 1)} ${task.state} on ${task.node}`).join(', ')}`
          : '';
      lines.push(
        `  ${service.service.padEnd(width)}  ${`${service.state}${health}`.padEnd(20)} ${formatPorts(service.ports)}${restarts}${ended}${tasks}`,
      );
    }
    if (stack.services.length === 0)
      lines.push(`  (no containers; ${stack.networks.length} networks, ${stack.volumes.length} volumes)`);
  }
  return lines;
}

export const lsCommand: Command = {
  name: 'ls',
  effect: 'reads',
  summary: 'list every devenv stack on the engine',
  usage: 'devenv ls [--json] [--env NAME]',
  options: commonOptions,
  async run(ctx, io, parsed) {
    checkChosenEnvironment(ctx, parsed);
    const stacks = await listStacks(ctx);
    if (parsed.values['json']) io.stdout(JSON.stringify(stacks, null, 2));
    else for (const line of table(stacks)) io.stdout(line);
    return 0;
  },
};

import { diffEnvironments } from '../../app/environment-diff.js';
import { parityHolds, type ParityReport } from '../../core/parity/compare-environments.js';
import { DevenvError } from '../../core/errors.js';
import { commonOptions, stackOptions, type Command } from '../command.js';

const USAGE = 'devenv diff ENV_A ENV_B [--json] [-f FILE]... [--branch B]';

function table(report: ParityReport, a: string, b: string): string {
  if (report.equal)
    return `${a} and ${b} match on services, images, variable names, ports, volumes, healthchecks, resources, restart policies and replicas.`;
  const rows = [
    ['', 'path', a, b],
    ...report.differences.map((d) => [d.allowed ? 'allowed' : 'DIFFERS', d.path, d.a ?? '—', d.b ?? '—']),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
  const blocking = report.differences.filter((d) => !d.allowed).length;
  lines.push(
    '',
    blocking === 0
      ? `${report.differences.length} difference(s), all allowed by parity.allow.`
      : `${blocking} difference(s) not allowed by parity.allow (devenv.yaml).`,
  );
  return lines.join('\n');
}

export const diffCommand: Command = {
  name: 'diff',
  takesArguments: true,
  effect: 'reads',
  summary:
    "the parity gate: two environments' resolved models compared (exit 1 on a difference parity.allow does not allow)",
  usage: USAGE,
  options: commonOptions,
  async run(ctx, io, parsed) {
    const [a, b, ...extra] = parsed.positionals;
    if (a === undefined || b === undefined || extra.length > 0)
      throw new DevenvError('USAGE', 'devenv diff compares two environments: name both.', {
        hint: `Usage: ${USAGE} (for example: devenv diff dev prod)`,
      });
    const { environment: _ignored, ...options } = stackOptions(parsed, ctx.env);
    const report = await diffEnvironments(ctx, options, a, b);
    io.stdout(parsed.values['json'] ? JSON.stringify(report, null, 2) : table(report, a, b));
    return parityHolds(report) ? 0 : 1;
  },
};

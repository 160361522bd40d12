/**
 * `devenv doctor [--fix] [--json]`: every check between a new hire and a green
 * run (app/doctor.ts), printed as each is judged, or as one JSON object
 * (README "devenv doctor --json"). Exit 1 when a check fails.
 */
import { hostDoctorProbes } from '../../adapters/doctor/host-probes.js';
import { doctor } from '../../app/doctor.js';
import { colorEnabled, palette } from '../../ui/colors.js';
import { formatDoctorCheck, formatDoctorSummary } from '../../ui/format-doctor.js';
import { commonOptions, stackOptions, type Command } from '../command.js';
import { engineEnvironment } from '../engine-selection.js';

export const doctorCommand: Command = {
  name: 'doctor',
  summary:
    'check this machine and project (Node, engine, disk, watch limit, git, secrets, images, ports, stacks, vitest); --fix applies the safe fixes',
  usage: 'devenv doctor [--fix] [--json] [--env NAME] [-f FILE]...',
  // --fix starts an engine, raises the watch limit, edits .gitignore, and runs gc (which removes expired stacks).
  effect: {
    changes: 'removes expired stacks (gc) and applies safe host fixes',
    readsWhen: (parsed) => parsed.values['fix'] !== true,
  },
  options: { ...commonOptions, fix: { type: 'boolean' } },
  async run(ctx, io, parsed) {
    const json = parsed.values['json'] === true;
    const fix = parsed.values['fix'] === true;
    const p = palette(colorEnabled(ctx.env, io.isTTY));
    io.setRenderer((event) => {
      if (!json && event.type === 'doctor.check')
        for (const line of formatDoctorCheck(event.check, p)) io.stdout(line);
    });
    const report = await doctor(ctx, hostDoctorProbes(), {
      fix,
      stack: stackOptions(parsed, ctx.env),
      engineEnv: engineEnvironment(doctorCommand, parsed, ctx.cwd, ctx.env),
    });
    if (json)
      io.stdout(
        JSON.stringify(
          {
            version: 1,
            environment: report.environment,
            ok: report.summary.fail === 0,
            summary: report.summary,
            checks: report.checks,
            fixes: report.fixes,
          },
          null,
          2,
        ),
      );
    else io.stdout(formatDoctorSummary(report.summary, fix));
    return report.summary.fail > 0 ? 1 : 0;
  },
};

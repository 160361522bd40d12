import { stringify } from 'yaml';
import { showConfig, type ConfigOptions } from '../../app/show-config.js';
import { commonOptions, stackOptions, type Command } from '../command.js';
import { parseHostIp } from '../host-ip-flag.js';

export const configCommand: Command = {
  name: 'config',
  effect: 'reads',
  summary: 'the fully resolved template, plus stack name, labels and planned ports',
  usage: 'devenv config [--json] [--fixed-ports] [--host-ip IP] [-f FILE]... [--branch B | --stack S]',
  options: { ...commonOptions, 'fixed-ports': { type: 'boolean' }, 'host-ip': { type: 'string' } },
  async run(ctx, io, parsed) {
    const options: ConfigOptions = {
      ...stackOptions(parsed, ctx.env),
      fixedPorts: parsed.values['fixed-ports'] === true,
    };
    if (typeof parsed.values['host-ip'] === 'string') options.hostIp = parseHostIp(parsed.values['host-ip']);
    const { config, warnings } = await showConfig(ctx, options);
    for (const warning of warnings) io.stderr(`warning: ${warning}`);
    io.stdout(
      parsed.values['json'] ? JSON.stringify(config, null, 2) : stringify(config, { lineWidth: 0 }).trimEnd(),
    );
    return 0;
  },
};

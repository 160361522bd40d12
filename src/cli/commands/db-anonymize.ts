import { randomBytes } from 'node:crypto';
import { anonymizeDump } from '../../app/anonymize/anonymize-dump.js';
import { hostFiles } from '../../adapters/fs/host-files.js';
import { DevenvError } from '../../core/errors.js';
import { commonOptions, stackOptions, type Command } from '../command.js';
import { eventRenderer } from '../event-renderer.js';

const USAGE =
  'devenv db anonymize --from DUMP --rules anonymize.yaml --out FILE [--report FILE] [--image IMAGE] [--json]';

function required(value: unknown, flag: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new DevenvError('USAGE', `${flag} is required: ${what}.`, { hint: `Usage: ${USAGE}` });
  return value;
}

export const dbAnonymizeCommand: Command = {
  name: 'db anonymize',
  summary: 'an anonymized, stamped copy of a dump, by rules that must cover every column (fails closed)',
  usage: USAGE,
  // The dump is copied into a scratch server of its own: no stack of any environment is touched.
  effect: 'reads',
  options: {
    ...commonOptions,
    from: { type: 'string' },
    rules: { type: 'string' },
    out: { type: 'string', short: 'o' },
    report: { type: 'string' },
    image: { type: 'string' },
  },
  async run(ctx, io, parsed) {
    const v = parsed.values;
    const from = required(v['from'], '--from', 'the dump to anonymize (pg_dump -Fc, -Ft or plain SQL)');
    const rules = required(v['rules'], '--rules', 'the rules file (anonymize.yaml)');
    const out = required(v['out'], '--out', 'where to write the anonymized dump');
    const json = v['json'] === true;
    io.setRenderer(eventRenderer(ctx, io, { json, secrets: () => ctx.secrets.values() }));
    const salt = ctx.env['DEVENV_ANONYMIZE_SALT'];
    const result = await anonymizeDump(
      ctx,
      { files: hostFiles },
      {
        from,
        rules,
        out,
        ...(typeof v['report'] === 'string' ? { report: v['report'] } : {}),
        ...(typeof v['image'] === 'string' ? { image: v['image'] } : {}),
        stack: stackOptions(parsed, ctx.env),
        salt:
          salt !== undefined && salt !== ''
            ? { value: salt, given: true }
            : { value: randomBytes(16).toString('hex'), given: false },
        runId: randomBytes(16).toString('hex'),
      },
    );
    ctx.emit({ type: 'anonymize.done', ...result });
    return 0;
  },
};

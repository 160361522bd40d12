/** Command-line words before node's parseArgs sees them. */
import type { OptionSpec } from './command.js';

/**
 * node's parseArgs refuses `--timeout -5` as "ambiguous" (the value starts
 * with a dash). A string option followed by a negative number takes it as its
 * value (`--timeout=-5`), so the command can say what is wrong with the value.
 */
export function joinNegativeNumberValues(args: readonly string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    const name = arg.startsWith('--')
      ? arg.slice(2)
      : /^-[A-Za-z]$/.test(arg)
        ? Object.keys(options).find((key) => options[key]?.short === arg.slice(1))
        : undefined;
    const next = args[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

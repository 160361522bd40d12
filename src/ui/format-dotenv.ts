import { shellQuote } from '../core/shell-quote.js';

/** KEY=value lines, quoted when the value needs it, so `set -a; . <(devenv env)` works. */
export function formatDotenv(env: Record<string, string>): string {
  return Object.keys(env)
    .sort()
    .map((key) => {
      const value = env[key] ?? '';
      return `${key}=${value === '' ? '' : shellQuote(value)}`;
    })
    .join('\n');
}

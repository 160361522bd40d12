import { DevenvError } from '../core/errors.js';

/** "90s", "30m", "4h", "1h30m", "500ms" or plain seconds -> seconds. */
export function parseDurationSeconds(text: string, flag: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(re)) {
    const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
    total += Number(match[1]) * unit;
    consumed += match[0].length;
  }
  if (consumed !== text.length || consumed === 0) {
    throw new DevenvError('USAGE', `${flag} expects a duration like 90s, 30m or 4h, not "${text}".`);
  }
  return total;
}

/** A duration that must be more than zero (--timeout, --ttl): 0 and negative values are usage errors. */
export function parsePositiveDurationSeconds(text: string, flag: string, example: string): number {
  const negative = text.startsWith('-');
  let seconds: number;
  try {
    seconds = parseDurationSeconds(negative ? text.slice(1) : text, flag);
  } catch {
    throw new DevenvError('USAGE', `${flag} expects a duration like 90s, 30m or 4h, not "${text}".`, {
      hint: `For example ${flag} ${example}.`,
    });
  }
  if (negative || seconds <= 0)
    throw new DevenvError('USAGE', `${flag} must be a positive duration, not "${text}".`, {
      hint: `For example ${flag} ${example}.`,
    });
  return seconds;
}

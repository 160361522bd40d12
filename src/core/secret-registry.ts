/**
 * The secret values known to one devenv process, and the one mask every
 * line of output passes through (cli/main.ts wraps stdout and stderr with it;
 * the dashboard and the renderers use it too). Values are added as they
 * become known: the shell's and .env's secret-looking variables at start, a
 * compose file's `secrets:` variables before its values are interpolated, the
 * template's and the stack's secret values once resolved.
 *
 * Masking: a value of 8 characters or more is masked wherever it appears; a
 * shorter one (4 to 7) only where it stands as a word of its own, so that a
 * password "pass" masks `user:pass@db` but not "3 passed"; under 4 characters
 * a value is too short to mask without destroying the output. A value is
 * also masked URL-encoded, the form a connection URL carries it in.
 */
/** What a secret value is replaced with. */
export const MASK = '****';

export interface SecretRegistry {
  add(values: Iterable<string | null | undefined>): void;
  /** Every value known so far, longest first. */
  values(): readonly string[];
  /** The text with every known value replaced by the mask. */
  mask(text: string): string;
}

const MIN_LENGTH = 4;
const ANYWHERE_LENGTH = 8;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces each of `values` (longest first) in text; short ones only as words of their own. */
export function maskValues(text: string, values: readonly string[]): string {
  let result = text;
  for (const value of values) {
    if (value.length < MIN_LENGTH || !result.includes(value)) continue;
    if (value.length >= ANYWHERE_LENGTH) result = result.split(value).join(MASK);
    else
      result = result.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(value)}(?![A-Za-z0-9])`, 'g'), MASK);
  }
  return result;
}

export function secretRegistry(initial: Iterable<string | null | undefined> = []): SecretRegistry {
  const known = new Set<string>();
  let sorted: string[] = [];
  const registry: SecretRegistry = {
    add(values) {
      let changed = false;
      for (const value of values) {
        if (typeof value !== 'string' || value.length < MIN_LENGTH) continue;
        // As a connection URL carries it (core/testdb/database-url.ts): percent-encoded.
        for (const form of [value, encodeURIComponent(value)]) {
          if (known.has(form)) continue;
          known.add(form);
          changed = true;
        }
      }
      if (changed) sorted = [...known].sort((a, b) => b.length - a.length);
    },
    values: () => sorted,
    mask: (text) => (sorted.length === 0 ? text : maskValues(text, sorted)),
  };
  registry.add(initial);
  return registry;
}

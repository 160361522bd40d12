/**
 * The Compose Specification's `list_or_dict` form (environment, labels,
 * build args, ...): a mapping, or a list of "KEY=value" / "KEY" strings.
 * A key without a value maps to null.
 */
function scalarText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return String(value);
}

export function listOrDictEntries(value: unknown): [string, string | null][] {
  if (Array.isArray(value)) {
    return value.map((item): [string, string | null] => {
      const text = String(item);
      const equals = text.indexOf('=');
      return equals < 0 ? [text, null] : [text.slice(0, equals), text.slice(equals + 1)];
    });
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).map(([key, item]): [string, string | null] => [key, scalarText(item)]);
  }
  return [];
}

export function listOrDictToMap(value: unknown): Record<string, string | null> {
  return Object.fromEntries(listOrDictEntries(value));
}

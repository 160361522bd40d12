/** ANSI colours honouring NO_COLOR, FORCE_COLOR and TERM=dumb. */
export interface Palette {
  enabled: boolean;
  paint(code: number, text: string): string;
  service(name: string, text: string): string;
}

const SERVICE_CODES = [36, 35, 33, 32, 34, 96, 95, 93, 92, 94];

export function colorEnabled(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  return isTTY && env['TERM'] !== 'dumb';
}

export function palette(enabled: boolean): Palette {
  const paint = (code: number, text: string) => (enabled ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    enabled,
    paint,
    service(name, text) {
      let hash = 0;
      for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
      return paint(SERVICE_CODES[hash % SERVICE_CODES.length]!, text);
    },
  };
}

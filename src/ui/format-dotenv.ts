/** KEY=value lines, quoted when the value needs it, so `set -a; . <(devenv env)` works. */
export function formatDotenv(env: Record<string, string>): string {
  return Object.keys(env)
    .sort()
    .map((key) => {
      const value = env[key] ?? '';
      const plain = /^[A-Za-z0-9_./:@%+,=-]*$/.test(value);
      return `${key}=${plain ? value : `'${value.replace(/'/g, `'\\''`)}'`}`;
    })
    .join('\n');
}

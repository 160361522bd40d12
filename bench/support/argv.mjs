/** The value after `--name` on the bench's command line, else `fallback`. */
export function flag(name, fallback = undefined) {
  const at = process.argv.indexOf(name);
  return at > 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

/** `flag` as a number. */
export function numberFlag(name, fallback) {
  const value = flag(name);
  return value === undefined ? fallback : Number(value);
}

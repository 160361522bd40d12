/**
 * One word for a POSIX shell: as written when every character is safe
 * unquoted, else single-quoted (a ' inside becomes '\''), so pasting a printed
 * command never expands `$(...)`, backquotes, globs or spaces in user input.
 */
export function shellQuote(value: string): string {
  if (value !== '' && /^[A-Za-z0-9_./:@%+,=-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

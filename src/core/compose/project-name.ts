/**
 * Compose project names: lowercase letters, digits, `_` and `-`, starting with
 * a letter or digit. A directory name is sanitized the way compose does it.
 */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export function projectNameFromDirectory(directoryName: string): string {
  return directoryName
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

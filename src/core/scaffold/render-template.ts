/**
 * A template's files made into the new project's: `{{name}}` and `{{dbName}}` replaced, and
 * `_gitignore` named `.gitignore` (a package cannot ship a file of that name: npm drops it).
 */
import { DevenvError } from '../errors.js';

export interface TemplateFile {
  /** Relative to the template's directory, with forward slashes. */
  path: string;
  content: string;
  executable: boolean;
}

export interface TemplateVariables {
  name: string;
  dbName: string;
}

/** How a file that already exists in the target is treated. */
export type ExistingFilePolicy =
  /** Never changed without --force. */
  | 'conflict'
  /** Lines the file lacks are appended (a .gitignore keeps its own lines and gains ours). */
  | 'append-lines';

export interface RenderedFile {
  path: string;
  content: string;
  executable: boolean;
  ifExists: ExistingFilePolicy;
}

const RENAMES: Record<string, string> = { _gitignore: '.gitignore' };
const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

function renamed(path: string): string {
  const parts = path.split('/');
  const last = parts.pop() ?? '';
  return [...parts, RENAMES[last] ?? last].join('/');
}

export function renderTemplate(files: readonly TemplateFile[], variables: TemplateVariables): RenderedFile[] {
  const values: Record<string, string> = { ...variables };
  return files
    .map((file) => {
      const path = renamed(file.path);
      const content = file.content.replace(PLACEHOLDER, (_match, key: string) => {
        const value = values[key];
        if (value === undefined)
          throw new DevenvError(
            'TEMPLATE_UNKNOWN',
            `Template file ${file.path} uses {{${key}}}, which devenv does not know.`,
            {
              hint: `Placeholders: ${Object.keys(values)
                .map((k) => `{{${k}}}`)
                .join(', ')}.`,
            },
          );
        return value;
      });
      const ifExists: ExistingFilePolicy =
        path.split('/').pop() === '.gitignore' ? 'append-lines' : 'conflict';
      return { path, content, executable: file.executable, ifExists };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** The templates devenv ships, read from its package's templates/ directory. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateSource } from '../../contracts/scaffold.js';
import type { TemplateFile } from '../../core/scaffold/render-template.js';

/** templates/ of the package: three levels up from src/adapters/fs (and from dist/adapters/fs). */
export const TEMPLATES_ROOT = fileURLToPath(new URL('../../../templates/', import.meta.url));

async function walk(root: string, dir: string, into: TemplateFile[]): Promise<void> {
  for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') await walk(root, path, into);
    } else if (entry.isFile()) {
      const absolute = join(root, path);
      const [content, info] = await Promise.all([readFile(absolute, 'utf8'), stat(absolute)]);
      into.push({ path, content, executable: (info.mode & 0o111) !== 0 });
    }
  }
}

export function templateDirectory(root: string = TEMPLATES_ROOT): TemplateSource {
  return {
    async files(template) {
      const files: TemplateFile[] = [];
      await walk(join(root, template), '', files);
      return files;
    },
  };
}

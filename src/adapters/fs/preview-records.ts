/** Previews' records: one JSON file per preview stack under devenv's cache directory (`previews/records/`). */
import { mkdir, readdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { PreviewRecord, PreviewRecords } from '../../contracts/preview-git.js';

export function previewRecords(dir: string): PreviewRecords {
  const file = (stack: string) => join(dir, `${stack}.json`);
  const read = async (path: string): Promise<PreviewRecord | undefined> => {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as PreviewRecord;
    } catch {
      return undefined;
    }
  };
  return {
    read: (stack) => read(file(stack)),
    async write(record) {
      await mkdir(dir, { recursive: true });
      const temp = `${file(record.stack)}.${process.pid}.tmp`;
      await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`);
      await rename(temp, file(record.stack));
    },
    async remove(stack) {
      await rm(file(stack), { force: true });
    },
    async list() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return [];
      }
      const records = await Promise.all(
        names.filter((name) => name.endsWith('.json')).map((name) => read(join(dir, name))),
      );
      return records.filter((record): record is PreviewRecord => record !== undefined);
    },
  };
}

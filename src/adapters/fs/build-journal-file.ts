/**
 * BuildJournal as files in devenv's state directory: `<dir>/<id>.json` (who
 * builds what, since when; rewritten atomically when the build fails) and
 * `<dir>/<id>.images` (one committed image id a line, appended synchronously
 * as the builder reports each step, so a kill -9 loses at most the step in
 * flight). A succeeded build removes both.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildJournal, BuildRecord } from '../../contracts/build-journal.js';
import { processStartTime, recordedProcessAlive } from '../host/process-start.js';

interface Header {
  id: string;
  stack: string;
  tag: string;
  engine?: string;
  pid: number;
  host: string;
  start?: string;
  startedAt: string;
  failed?: boolean;
}

export function fileBuildJournal(
  dir: string,
  self: { pid: number; host: string; isProcessAlive(pid: number): boolean },
): BuildJournal {
  const ownStart = processStartTime(self.pid);
  const headerPath = (id: string) => join(dir, `${id}.json`);
  const imagesPath = (id: string) => join(dir, `${id}.images`);
  const writeHeader = async (header: Header) => {
    const temp = `${headerPath(header.id)}.tmp`;
    await writeFile(temp, JSON.stringify(header), { mode: 0o600 });
    await rename(temp, headerPath(header.id));
  };
  const remove = async (id: string) => {
    await rm(imagesPath(id), { force: true });
    await rm(headerPath(id), { force: true });
  };
  return {
    async begin(stack, tag, engine) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const header: Header = {
        id: `${Date.now().toString(36)}-${self.pid}-${randomBytes(4).toString('hex')}`,
        stack,
        tag,
        engine,
        pid: self.pid,
        host: self.host,
        startedAt: new Date().toISOString(),
        ...(ownStart !== undefined ? { start: ownStart } : {}),
      };
      await writeFile(imagesPath(header.id), '', { mode: 0o600 });
      await writeHeader(header);
      return {
        committed(imageId) {
          try {
            appendFileSync(imagesPath(header.id), `${imageId}\n`);
          } catch {
            // The record is a best effort for gc; the build itself goes on.
          }
        },
        succeeded: () => remove(header.id),
        failed: () => writeHeader({ ...header, failed: true }),
      };
    },
    async list() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return [];
      }
      const records: BuildRecord[] = [];
      for (const name of names.filter((n) => n.endsWith('.json'))) {
        try {
          const header = JSON.parse(await readFile(join(dir, name), 'utf8')) as Header;
          const images = (await readFile(imagesPath(header.id), 'utf8').catch(() => ''))
            .split('\n')
            .map((line) => line.trim())
            .filter((line) => line !== '');
          records.push({
            id: header.id,
            stack: header.stack,
            tag: header.tag,
            ...(header.engine !== undefined ? { engine: header.engine } : {}),
            pid: header.pid,
            host: header.host,
            startedAt: header.startedAt,
            images,
            failed: header.failed === true,
            live: recordedProcessAlive(header, self),
          });
        } catch {
          // a record being written or damaged: skipped
        }
      }
      return records;
    },
    remove,
  };
}

/**
 * Symlinks in a build context that point outside it (`leak -> /etc/passwd`,
 * `up -> ..`): listed and sent as links, as the docker CLI sends them, never
 * followed, so no byte from outside the context reaches the engine.
 */
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBuildContext } from '../../src/adapters/docker/build-context.js';
import { packBuildContext } from '../../src/adapters/docker/context-tar.js';

let dir: string;
const SECRET = 'outside-the-context-secret';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'devenv-links-'));
  await mkdir(join(dir, 'context/src'), { recursive: true });
  await writeFile(join(dir, 'outside.txt'), SECRET);
  await writeFile(join(dir, 'context/Dockerfile'), 'FROM scratch\nCOPY . /\n');
  await symlink(join(dir, 'outside.txt'), join(dir, 'context/src/leak'));
  await symlink('../..', join(dir, 'context/src/up'));
  await symlink('/etc', join(dir, 'context/etc'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function entries(
  stream: NodeJS.ReadableStream,
): Promise<{ name: string; type: string; linkname?: string; body: string }[]> {
  const extract = tar.extract();
  const out: { name: string; type: string; linkname?: string; body: string }[] = [];
  extract.on('entry', (header, body, next) => {
    const chunks: Buffer[] = [];
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    body.on('end', () => {
      out.push({
        name: header.name,
        type: header.type ?? 'file',
        ...(header.linkname ? { linkname: header.linkname } : {}),
        body: Buffer.concat(chunks).toString('utf8'),
      });
      next();
    });
  });
  const done = new Promise((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  stream.pipe(extract);
  await done;
  return out;
}

describe('symlinks in a build context pointing outside it', () => {
  it('are listed, not walked into', async () => {
    const context = join(dir, 'context');
    expect(await listBuildContext(context, 'Dockerfile')).toEqual([
      'Dockerfile',
      'etc',
      'src',
      'src/leak',
      'src/up',
    ]);
  });

  it('are sent as links; nothing from outside is in the tar', async () => {
    const context = join(dir, 'context');
    const sent = await entries(packBuildContext(context, await listBuildContext(context, 'Dockerfile')));
    expect(sent.filter((entry) => entry.type === 'symlink')).toEqual([
      { name: 'etc', type: 'symlink', linkname: '/etc', body: '' },
      { name: 'src/leak', type: 'symlink', linkname: join(dir, 'outside.txt'), body: '' },
      { name: 'src/up', type: 'symlink', linkname: '../..', body: '' },
    ]);
    expect(sent.map((entry) => entry.body).join('')).not.toContain(SECRET);
    expect(sent.map((entry) => entry.name)).not.toContain('etc/passwd');
  });
});

/**
 * Second engines for engine-level faults (test/support/second-engine.sh with
 * its overrides): one whose data root is a small loop-mounted ext4
 * filesystem that a test can fill, one with tiny address pools. Both run a
 * small image imported from this machine's own binaries (dash, coreutils and
 * libc: a few MB), so nothing large is copied into them and nothing is pulled.
 */
import { execa } from 'execa';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secondEngine, type SecondEngine } from '../../support/second-engine.js';

/** The image the engines' stacks run: /bin/sh, dd, sleep, cat, echo, rm; no healthcheck, no volumes. */
export const MINI_IMAGE = 'devenv-test/fault-mini:1';

/** Imports MINI_IMAGE into the engine at `dockerHost` from a rootfs of this machine's binaries. */
export async function importMiniImage(dockerHost: string, scratch: string): Promise<void> {
  const root = join(scratch, 'mini-rootfs');
  await mkdir(join(root, 'bin'), { recursive: true });
  await mkdir(join(root, 'lib/x86_64-linux-gnu'), { recursive: true });
  await mkdir(join(root, 'lib64'), { recursive: true });
  await mkdir(join(root, 'tmp'), { recursive: true });
  await mkdir(join(root, 'data'), { recursive: true });
  await execa('cp', ['/bin/dash', join(root, 'bin/sh')]);
  for (const tool of ['dd', 'sleep', 'cat', 'echo', 'rm'])
    await execa('cp', [`/bin/${tool}`, join(root, 'bin', tool)]);
  await execa('cp', ['/lib/x86_64-linux-gnu/libc.so.6', join(root, 'lib/x86_64-linux-gnu/')]);
  await execa('cp', ['/lib64/ld-linux-x86-64.so.2', join(root, 'lib64/')]);
  await execa('sh', ['-c', `tar -C '${root}' -c . | docker import - ${MINI_IMAGE} >/dev/null`], {
    env: { DOCKER_HOST: dockerHost },
  });
}

export interface FullDiskEngine {
  engine: SecondEngine;
  /** The loop-mounted data root. */
  mount: string;
  /** Fills the data root until `leaveBytes` are free (0: completely), with a filler file outside docker's own. */
  fill(leaveBytes: number): Promise<void>;
  /** Removes the filler. */
  unfill(): Promise<void>;
  /** Stops the engine, deletes its namespace, unmounts and removes the image file; never throws. */
  remove(): Promise<void>;
}

/** dockerd in netns `name` (bridge `bip`) on a `sizeMb` ext4 filesystem with no root reserve. */
export async function fullDiskEngine(name: string, bip: string, sizeMb: number): Promise<FullDiskEngine> {
  const scratch = await mkdtemp(join(tmpdir(), `devenv-${name}-`));
  const image = join(scratch, 'disk.img');
  const mount = join(scratch, 'root');
  const filler = join(mount, 'devenv-test-filler');
  let mounted = false;
  const engine = secondEngine(name, {}, { SECOND_ENGINE_DATA_ROOT: mount, SECOND_ENGINE_BIP: bip });
  const remove = async () => {
    await engine.remove().catch(() => undefined);
    if (mounted)
      await execa('umount', [mount]).catch(() => execa('umount', ['-l', mount]).catch(() => undefined));
    await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
    await rm(`/run/${name}`, { recursive: true, force: true }).catch(() => undefined);
  };
  try {
    await execa('truncate', ['-s', `${sizeMb}M`, image]);
    // -m 0: no blocks reserved for root (dockerd is root and would use them).
    await execa('mkfs.ext4', ['-q', '-m', '0', '-F', image]);
    await mkdir(mount);
    await execa('mount', ['-o', 'loop', image, mount]);
    mounted = true;
    await engine.start();
    await importMiniImage(engine.dockerHost, scratch);
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    engine,
    mount,
    async fill(leaveBytes) {
      if (leaveBytes !== 0 && leaveBytes < 8 * 1024 * 1024) throw new Error('fill leaves 0 or at least 8 MB');
      await rm(filler, { force: true });
      const free = async () => {
        const stats = await statfs(mount);
        return stats.bavail * stats.bsize;
      };
      // fallocate cannot take the very last blocks (its extents need some): small writes take the rest.
      const want = (await free()) - Math.max(leaveBytes, 8 * 1024 * 1024);
      if (want > 0) await execa('fallocate', ['-l', String(want), filler]);
      if (leaveBytes === 0)
        await execa('dd', ['if=/dev/zero', `of=${filler}-tail`, 'bs=4k'], { reject: false });
    },
    async unfill() {
      await rm(filler, { force: true });
      await rm(`${filler}-tail`, { force: true });
    },
    remove,
  };
}

export interface PoolEngine {
  engine: SecondEngine;
  remove(): Promise<void>;
}

/** dockerd in netns `name` whose one address pool gives `networks` subnets (base/24 split by size). */
export async function poolEngine(name: string, bip: string, pool: string): Promise<PoolEngine> {
  const scratch = await mkdtemp(join(tmpdir(), `devenv-${name}-`));
  const dataRoot = join(scratch, 'data-root');
  const engine = secondEngine(
    name,
    {},
    {
      SECOND_ENGINE_DATA_ROOT: dataRoot,
      SECOND_ENGINE_BIP: bip,
      SECOND_ENGINE_ARGS: `--default-address-pool ${pool}`,
    },
  );
  const remove = async () => {
    await engine.remove().catch(() => undefined);
    await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
    await rm(`/run/${name}`, { recursive: true, force: true }).catch(() => undefined);
  };
  try {
    await engine.start();
    await importMiniImage(engine.dockerHost, scratch);
  } catch (error) {
    await remove();
    throw error;
  }
  return { engine, remove };
}

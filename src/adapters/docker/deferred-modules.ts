/**
 * dockerode loads, as it is imported, two dependencies devenv rarely or never uses:
 * - ssh2 (through docker-modem), which instantiates its Poly1305 WebAssembly at
 *   once: 16 MB of memory in every devenv process, though only an ssh:// DOCKER_HOST
 *   uses it;
 * - its BuildKit session (`dockerode/lib/session.js`: @grpc/grpc-js, proto-loader,
 *   protobufjs), used only by BuildKit builds with a session, which devenv does not
 *   make: about a third of dockerode's load time (bench/cli-start.mjs).
 * Imported before dockerode, this module puts a stand-in for each in the CommonJS
 * cache that loads the real module on first use. Anything unexpected (another
 * layout, the module already loaded) leaves the normal loading alone.
 */
import { createRequire, Module } from 'node:module';

const require = createRequire(import.meta.url);

function resolveFrom(chain: readonly string[], target: string): string | undefined {
  try {
    let from = require;
    for (const pkg of chain) from = createRequire(from.resolve(`${pkg}/package.json`));
    return from.resolve(target);
  } catch {
    return undefined;
  }
}

/** Caches `exports(load)` under `path`, where `load()` returns the real module, loaded once. */
function defer<T>(path: string | undefined, exports: (load: () => T) => unknown): void {
  if (path === undefined || require.cache[path] !== undefined) return;
  let real: T | undefined;
  const load = (): T => {
    if (real === undefined) {
      delete require.cache[path];
      real = require(path) as T;
    }
    return real;
  };
  const standIn = new Module(path);
  standIn.filename = path;
  standIn.loaded = true;
  standIn.exports = exports(load);
  require.cache[path] = standIn;
}

defer<{ Client: new (...args: unknown[]) => object }>(
  resolveFrom(['dockerode', 'docker-modem'], 'ssh2'),
  (load) => ({
    Client: class DeferredClient {
      constructor(...args: unknown[]) {
        // A constructor may return another object: callers get a real ssh2 Client.
        return new (load().Client)(...args);
      }
    },
  }),
);

defer<(...args: unknown[]) => unknown>(
  resolveFrom(['dockerode'], './lib/session.js'),
  (load) =>
    function withSession(...args: unknown[]) {
      return load()(...args);
    },
);

/**
 * docker-modem requires ssh2 as it loads, and ssh2 instantiates its Poly1305
 * WebAssembly at once: 16 MB of memory in every devenv process, though only
 * an ssh:// DOCKER_HOST uses it. Imported before dockerode, this module puts
 * a stand-in for ssh2 in the CommonJS cache whose Client loads the real
 * ssh2 on first use. Anything unexpected (another layout, ssh2 already
 * loaded) leaves the normal loading alone.
 */
import { createRequire, Module } from 'node:module';

const require = createRequire(import.meta.url);

function ssh2Path(): string | undefined {
  try {
    const dockerode = require.resolve('dockerode/package.json');
    const modem = createRequire(dockerode).resolve('docker-modem/package.json');
    return createRequire(modem).resolve('ssh2');
  } catch {
    return undefined;
  }
}

const path = ssh2Path();
if (path !== undefined && require.cache[path] === undefined) {
  let real: { Client: new (...args: unknown[]) => object } | undefined;
  const load = () => {
    if (!real) {
      delete require.cache[path];
      real = require(path) as { Client: new (...args: unknown[]) => object };
    }
    return real;
  };
  class DeferredClient {
    constructor(...args: unknown[]) {
      // A constructor may return another object: callers get a real ssh2 Client.
      return new (load().Client)(...args);
    }
  }
  const standIn = new Module(path);
  standIn.filename = path;
  standIn.loaded = true;
  standIn.exports = { Client: DeferredClient };
  require.cache[path] = standIn;
}

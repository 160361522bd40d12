import { DockerEngine } from './dist/adapters/docker/docker-engine.js';
const t0 = Date.now();
for (const name of ['exec', 'execStream', 'listContainers', 'info', 'inspectContainer', 'pathExists']) {
  const orig = DockerEngine.prototype[name];
  DockerEngine.prototype[name] = async function (...args) {
    const s = Date.now();
    try { return await orig.apply(this, args); } finally { console.error(`[${s - t0}ms +${Date.now() - s}ms] ${name} ${JSON.stringify(args[1] ?? '').slice(0, 150)}`); }
  };
}
const { main } = await import('./dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
console.error(`total ${Date.now() - t0}ms`);

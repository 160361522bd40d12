import { it } from 'vitest';
import { DockerEngine } from '../../../src/adapters/docker/docker-engine.js';
import { connectDocker } from '../../../src/adapters/docker/connect.js';
it('scratch', async () => {
const e = await DockerEngine.connect();
for (const p of [() => e.pullImage('devenv-test-nonexistent/x:1', () => {}), () => connectDocker({ DOCKER_HOST: 'tcp://127.0.0.1:1' }), () => connectDocker({}, '/home/x')]) {
  try { await p(); console.log('ok'); } catch (err: any) { console.log(err.code, '|', err.message, '|', err.hint, err.details); }
}
});

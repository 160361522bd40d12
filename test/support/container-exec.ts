/** Runs a command in a container through the engine (dockerode) and returns its output, stdout and stderr together. */
import type Docker from 'dockerode';
import { docker } from './engine-state.js';

/** On the main engine, or on `engine` (a second one). */
export async function containerExec(id: string, command: string[], engine: Docker = docker): Promise<string> {
  const started = await engine
    .getContainer(id)
    .exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await started.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  // Multiplexed frames: drop the 8-byte headers.
  const raw = Buffer.concat(chunks);
  const out: Buffer[] = [];
  for (let at = 0; at + 8 <= raw.length;) {
    const size = raw.readUInt32BE(at + 4);
    out.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(out).toString('utf8');
}

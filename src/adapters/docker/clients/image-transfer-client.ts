/** An image out of one engine and into another (`docker save` / `docker load`), for nodes without a registry. */
import type { ClientContext } from './client-context.js';
import { engineStatus } from '../engine-errors.js';

export class ImageTransferClient {
  constructor(private readonly context: ClientContext) {}

  async imageId(ref: string): Promise<string | undefined> {
    try {
      return (await this.context.docker.getImage(ref).inspect()).Id;
    } catch (error) {
      if (engineStatus(error) === 404) return undefined;
      throw this.context.fail(error, `inspect image ${ref}`);
    }
  }

  async saveImage(ref: string): Promise<NodeJS.ReadableStream> {
    try {
      return await this.context.docker.getImage(ref).get();
    } catch (error) {
      throw this.context.fail(error, `save image ${ref}`);
    }
  }

  async loadImage(tar: NodeJS.ReadableStream): Promise<void> {
    try {
      const output = await this.context.docker.loadImage(tar, { quiet: true });
      // The engine reports a failed load in the stream, after a 200.
      const text = await new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        output.on('data', (chunk: Buffer) => chunks.push(chunk));
        output.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        output.on('error', reject);
      });
      const failed = /"error(?:Detail)?"\s*:\s*"([^"]*)"/.exec(text);
      if (failed) throw new Error(failed[1]);
    } catch (error) {
      throw this.context.fail(error, 'load an image');
    }
  }
}

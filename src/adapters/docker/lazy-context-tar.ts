/**
 * The build context's tar stream (context-tar.ts), with tar-stream loaded only when a build
 * actually sends a context: every command builds its context at start, few build images.
 */
import { PassThrough, pipeline, type Readable } from 'node:stream';

export function packBuildContextLazily(contextDir: string, paths: readonly string[]): Readable {
  const out = new PassThrough();
  import('./context-tar.js').then(
    ({ packBuildContext }) => pipeline(packBuildContext(contextDir, paths), out, () => undefined),
    (error: unknown) => out.destroy(error as Error),
  );
  return out;
}

/**
 * What a build would read, without building: a digest of the build context as
 * the engine would receive it (the files .dockerignore lets through), so an
 * image can be named by its inputs (core/plan/build-inputs.ts).
 */

/** sha256 (hex) of the context of `contextDir` for `dockerfile` (relative to it); IMAGE_BUILD_FAILED when unreadable. */
export type BuildContextDigest = (contextDir: string, dockerfile: string) => Promise<string>;

/**
 * Files on this machine that a use-case reads or writes whole: the rules and
 * the dump of `devenv db anonymize`, its output and report. Files go into and
 * out of containers as tar streams (ContainerEngine.copyToContainer /
 * copyFromContainer), so they travel through the engine's API and a remote
 * engine works the same. Implemented in adapters/fs.
 */
export interface HostFile {
  text: string;
  /** Hex SHA-256 of the file's bytes. */
  sha256: string;
}

export interface HostFiles {
  /** The file as UTF-8 text, or undefined when there is no such regular file. */
  readText(path: string): Promise<HostFile | undefined>;
  /** Size in bytes of a regular file (symlinks followed), or undefined when there is none. */
  fileSize(path: string): Promise<number | undefined>;
  /** Up to `bytes` first bytes of a file. */
  readHead(path: string, bytes: number): Promise<Uint8Array>;
  /** A tar stream with one regular file `name` (mode 0644) holding the bytes of host file `path`. */
  packFile(path: string, name: string): NodeJS.ReadableStream;
  /** A tar stream of small text files (mode 0644). */
  packTexts(files: readonly { name: string; text: string }[]): NodeJS.ReadableStream;
  /**
   * Writes the one regular file of a tar stream to `path`: into a temporary
   * file beside it, renamed over `path` once complete, so `path` never holds
   * a partial file (and is left as it was on failure). Returns the bytes written.
   */
  unpackFile(tar: NodeJS.ReadableStream, path: string): Promise<number>;
  /** Why a file cannot be written at `path` (no such directory, not writable), or undefined. */
  writableProblem(path: string): Promise<string | undefined>;
  /** Writes text to `path` the same way (temporary file, rename). */
  writeText(path: string, text: string): Promise<void>;
}

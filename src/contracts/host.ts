/** The machine devenv runs on, as use-cases see it (implemented in adapters/host/host-info). */
export interface HostInfo {
  /** User name for the stack identity. */
  user: string;
  hostname: string;
  pid: number;
  isProcessAlive(pid: number): boolean;
}

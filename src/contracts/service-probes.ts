/**
 * Host-side readiness probes: whether a service accepts real work on
 * host:port now (Postgres answers a StartupMessage, Redis a PING, a TCP
 * server keeps a connection open). Implemented in adapters/probes.
 */
export interface ServiceProbes {
  postgres(host: string, port: number, options?: { user?: string; database?: string }): Promise<boolean>;
  redis(host: string, port: number): Promise<boolean>;
  tcp(host: string, port: number): Promise<boolean>;
}

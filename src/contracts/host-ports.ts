/** This machine's host ports, as devenv asks about them (implemented in adapters/host/free-port). */
export interface HostPorts {
  isFree(hostIp: string, port: number, protocol: 'tcp' | 'udp'): Promise<boolean>;
  /** Whether hostIp is an address of this machine (something can be bound to it). */
  isLocalAddress(hostIp: string): Promise<boolean>;
  /** A port free now, chosen by the kernel. */
  pick(hostIp: string, protocol: 'tcp' | 'udp'): Promise<number>;
}

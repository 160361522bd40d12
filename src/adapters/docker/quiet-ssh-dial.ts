/**
 * docker-modem builds each request's URL with url.resolve over "ssh:HOST:PORT/"
 * when the engine is ssh://, and Node 20 warns (DEP0170, "The URL ... is
 * invalid") on stderr for it, in the middle of devenv's output. The request
 * itself is right (only the URL's path is used; the SSH connection is the
 * agent's). So an ssh:// engine's modem dials with deprecation warnings off
 * for that synchronous call only.
 */
import type Dockerode from 'dockerode';

export function quietSshDial(docker: Dockerode): void {
  const modem = docker.modem as unknown as { dial: (...args: unknown[]) => unknown };
  const dial = modem.dial.bind(modem);
  modem.dial = (...args: unknown[]) => {
    const was = process.noDeprecation;
    process.noDeprecation = true;
    try {
      return dial(...args);
    } finally {
      process.noDeprecation = was;
    }
  };
}

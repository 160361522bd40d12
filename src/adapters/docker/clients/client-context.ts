/**
 * What every resource client shares: the dockerode handle, the endpoint its
 * errors name, the engine's API version (asked for once), and the error
 * translation at the border. No dockerode type leaves the clients.
 */
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { LabelSelector } from '../../../contracts/engine.js';
import type { DevenvError } from '../../../core/errors.js';
import type { DockerEndpoint } from '../connect.js';
import { engineStatus, nameConflictError, translateEngineError, type NameHolder } from '../engine-errors.js';
import type { ProgressEvent } from './progress.js';

/** The part of docker-modem that the clients use for raw streams and progress streams. */
export interface ModemDial {
  dial(
    options: {
      path: string;
      method: string;
      isStream: boolean;
      abortSignal?: AbortSignal;
      statusCodes: Record<number, true | string>;
      options: Record<string, unknown>;
    },
    callback: (error: unknown, stream: Readable) => void,
  ): void;
  followProgress(
    stream: NodeJS.ReadableStream,
    onFinished: (error: Error | null) => void,
    onProgress: (event: ProgressEvent) => void,
  ): void;
}

export class ClientContext {
  private apiVersion: Promise<string> | undefined;

  /** `apiVersion` is the engine's, when known (it is asked for on first need otherwise). */
  constructor(
    readonly docker: Dockerode,
    readonly endpoint: DockerEndpoint,
    apiVersion?: string,
  ) {
    if (apiVersion !== undefined) this.apiVersion = Promise.resolve(apiVersion);
  }

  get modem(): ModemDial {
    return this.docker.modem as ModemDial;
  }

  fail(error: unknown, action: string): DevenvError {
    return translateEngineError(error, action, this.endpoint.endpoint);
  }

  engineApiVersion(): Promise<string> {
    this.apiVersion ??= this.docker.version().then(
      (version) => version.ApiVersion,
      (error: unknown) => {
        this.apiVersion = undefined;
        throw this.fail(error, 'read the engine version');
      },
    );
    return this.apiVersion;
  }

  /**
   * A failed create: when the name is taken (409), the error says whose object
   * holds it (devenv's, of which stack, or not devenv's at all).
   */
  async createFailed(
    error: unknown,
    action: string,
    kind: NameHolder['kind'],
    name: string,
    stack: string | undefined,
  ): Promise<DevenvError> {
    if (engineStatus(error) !== 409) return this.fail(error, action);
    let labels: Record<string, string>;
    try {
      labels =
        kind === 'container'
          ? ((await this.docker.getContainer(name).inspect()).Config.Labels ?? {})
          : (((await this.docker.getNetwork(name).inspect()) as { Labels?: Record<string, string> }).Labels ??
            {});
    } catch {
      return this.fail(error, action);
    }
    return nameConflictError(error, action, { kind, name, labels, stack });
  }

  /** Runs a removal; a resource already gone (404) is not an error. */
  async removeIfPresent(remove: () => Promise<unknown>, action: string): Promise<void> {
    try {
      await remove();
    } catch (error) {
      if (engineStatus(error) === 404) return;
      throw this.fail(error, action);
    }
  }
}

/**
 * docker-modem copies a POST's options into the query string as well as the
 * body (when the path ends in "?", as dockerode's create calls do), so a large
 * label, environment value or command pushed the request line past the
 * engine's 1 MB header limit (431 Request Header Fields Too Large). The create
 * calls send their configuration as the body, and only `query` in the URL.
 */
export function bodyOnly<T extends object>(body: T, query: Record<string, string> = {}): T {
  return { _query: query, _body: body } as unknown as T;
}

export function labelFilter(selector: LabelSelector): string[] {
  return Object.entries(selector).map(([key, value]) => (value === true ? key : `${key}=${value}`));
}

export function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error as { name?: string } | null)?.name === 'AbortError';
}

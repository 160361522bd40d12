/** The engine's version and where its published ports are reached: what both Docker adapters answer to info(). */
import type { EngineInfo } from '../../../contracts/engine.js';
import type { ClientContext } from './client-context.js';

export async function readEngineInfo(context: ClientContext): Promise<EngineInfo> {
  const { docker, endpoint } = context;
  try {
    const version = await docker.version();
    return {
      endpoint: endpoint.endpoint,
      serverVersion: version.Version,
      apiVersion: version.ApiVersion,
      publishedHost: endpoint.publishedHost,
    };
  } catch (error) {
    throw context.fail(error, 'read the engine version');
  }
}

/**
 * The imports of a module as vite's SSR transform sees them (the transform
 * vitest runs node tests through), read from the module graph or transformed
 * on the spot. Vite 6+ keeps one graph per environment
 * (`server.environments.ssr`); vite 5, which vitest 3 may run on, has one
 * mixed graph that keeps the SSR result beside the client's, and no
 * `environments`.
 */
import type { TestProject } from 'vitest/node';

type ViteServer = TestProject['vite'];

interface TransformedDeps {
  deps?: string[];
  dynamicDeps?: string[];
}

/** vite 5's server, where vite 6+'s types differ. */
interface Vite5Server {
  environments?: undefined;
  moduleGraph: { getModuleById(id: string): { ssrTransformResult?: TransformedDeps | null } | undefined };
  transformRequest(url: string, options: { ssr: boolean }): Promise<TransformedDeps | null>;
}

/** The ids a module imports, statically and dynamically, as vite writes them (`/@fs/...`, root-relative). */
export async function ssrImportIds(server: ViteServer, file: string): Promise<string[]> {
  const environment = (server as ViteServer | Vite5Server).environments?.['ssr'];
  let transformed: TransformedDeps | null | undefined;
  if (environment) {
    transformed =
      environment.moduleGraph.getModuleById(file)?.transformResult ??
      (await environment.transformRequest(file));
  } else {
    const vite5 = server as unknown as Vite5Server;
    transformed =
      vite5.moduleGraph.getModuleById(file)?.ssrTransformResult ??
      (await vite5.transformRequest(file, { ssr: true }));
  }
  return [...(transformed?.deps ?? []), ...(transformed?.dynamicDeps ?? [])];
}

/**
 * Choosing the Swarm backend: `--engine swarm` (the swarm managed by the engine
 * DOCKER_HOST or the current context names), `--engine swarm:CONTEXT-OR-ADDRESS`,
 * or an environment's `engine: swarm[:...]` in devenv.yaml. And the swarm nodes'
 * own engines, which devenv reaches for exec, volumes and loading images:
 * DEVENV_SWARM_NODES=NODE=ENDPOINT,... (NODE as the swarm names it: its hostname).
 */

/** The variable the engine selection sets for the CLI's wiring (cli/app-context.ts). */
export const ENGINE_KIND_VARIABLE = 'DEVENV_ENGINE_KIND';
export const SWARM_NODES_VARIABLE = 'DEVENV_SWARM_NODES';
/** The registry a stack on swarm pushes its images to: devenv.yaml `registry:` (cli/engine-selection.ts). */
export const REGISTRY_VARIABLE = 'DEVENV_REGISTRY';

/** "swarm" -> {} ; "swarm:ctx" -> { engine: 'ctx' }; anything else -> undefined (not the swarm backend). */
export function swarmEngine(engine: string): { engine?: string } | undefined {
  if (engine === 'swarm') return {};
  if (!engine.startsWith('swarm:') || engine.startsWith('swarm://')) return undefined;
  const rest = engine.slice('swarm:'.length);
  return rest === '' ? {} : { engine: rest };
}

/** DEVENV_SWARM_NODES parsed: node name -> engine endpoint; problems listed, not thrown. */
export function swarmNodeEndpoints(value: string | undefined): {
  nodes: Map<string, string>;
  problems: string[];
} {
  const nodes = new Map<string, string>();
  const problems: string[] = [];
  for (const entry of (value ?? '').split(',').map((item) => item.trim())) {
    if (entry === '') continue;
    const at = entry.indexOf('=');
    const name = at > 0 ? entry.slice(0, at).trim() : '';
    const endpoint = at > 0 ? entry.slice(at + 1).trim() : '';
    if (name === '' || !endpoint.includes('://')) {
      problems.push(`"${entry}" is not NODE=ENDPOINT (devswarm1=unix:///run/devswarm1.sock)`);
      continue;
    }
    nodes.set(name, endpoint);
  }
  return { nodes, problems };
}

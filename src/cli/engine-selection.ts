/**
 * The engine a command talks to: the environment's `engine:` (devenv.yaml) when it names one,
 * as the variables docker reads (DOCKER_HOST for ssh:// tcp:// unix://, DOCKER_CONTEXT for a
 * context name), laid over the shell's; the shell's own otherwise. With it, devenv.yaml's
 * `registry:` (the environment's, else the top level's) as DEVENV_REGISTRY, for the Swarm backend.
 */
import { loadDevenvConfig } from '../adapters/fs/devenv-config-file.js';
import { engineAddress, engineProblem } from '../core/config/engine-address.js';
import { DevenvError } from '../core/errors.js';
import { ENGINE_KIND_VARIABLE, REGISTRY_VARIABLE, swarmEngine } from '../core/swarm/swarm-selection.js';
import { environmentOption, type Command, type ParsedCommand } from './command.js';

export function engineEnvironment(
  command: Pick<Command, 'options'>,
  parsed: ParsedCommand,
  cwd: string,
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const selected = selectedEngine(command, parsed, cwd, env);
  const registry = configuredRegistry(command, parsed, cwd, env);
  return registry === undefined ? selected : { ...selected, [REGISTRY_VARIABLE]: registry };
}

/** devenv.yaml `registry:` of the command's environment, else the top level's; undefined when none. */
function configuredRegistry(
  command: Pick<Command, 'options'>,
  parsed: ParsedCommand,
  cwd: string,
  env: Record<string, string | undefined>,
): string | undefined {
  try {
    const config = loadDevenvConfig(cwd);
    const name = Object.hasOwn(command.options, 'env') ? environmentOption(parsed, env) : undefined;
    return (name !== undefined ? config.environments?.[name]?.registry : undefined) ?? config.registry;
  } catch {
    // A bad --env or devenv.yaml is the use-case's to report, with its own context.
    return undefined;
  }
}

function selectedEngine(
  command: Pick<Command, 'options'>,
  parsed: ParsedCommand,
  cwd: string,
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  // --engine ADDRESS-OR-CONTEXT (previews): over the environment's and the shell's.
  const flag = parsed.values['engine'];
  if (Object.hasOwn(command.options, 'engine') && typeof flag === 'string' && flag !== '') {
    const problem = engineProblem(flag);
    if (problem !== undefined)
      throw new DevenvError('USAGE', `--engine: ${problem}.`, {
        hint: 'Pass ssh://user@host, tcp://host:2376 (with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH), unix:///path, a docker context name, or swarm[:CONTEXT-OR-ADDRESS] for the Swarm backend.',
      });
    return withEngine(env, flag);
  }
  if (!Object.hasOwn(command.options, 'env')) return env;
  let engine: string | undefined;
  try {
    const name = environmentOption(parsed, env);
    engine = loadDevenvConfig(cwd).environments?.[name]?.engine;
  } catch {
    // A bad --env or devenv.yaml is the use-case's to report, with its own context.
    return env;
  }
  if (engine === undefined) return env;
  return withEngine(env, engine);
}

function withEngine(
  env: Record<string, string | undefined>,
  engine: string,
): Record<string, string | undefined> {
  // swarm[:CONTEXT-OR-ADDRESS]: the Swarm backend on that engine (the shell's when none is named).
  const swarm = swarmEngine(engine);
  if (swarm !== undefined)
    return {
      ...(swarm.engine !== undefined ? withEngine(env, swarm.engine) : env),
      [ENGINE_KIND_VARIABLE]: 'swarm',
    };
  const address = engineAddress(engine);
  return address.kind === 'host'
    ? { ...env, DOCKER_HOST: address.dockerHost, DOCKER_CONTEXT: undefined }
    : { ...env, DOCKER_HOST: undefined, DOCKER_CONTEXT: address.context };
}

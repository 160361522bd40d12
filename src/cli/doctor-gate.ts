/**
 * What `devenv up` asks before anything else: can it reach the engine? It connects (the
 * connection every later step uses), and only when that fails runs the doctor's quick checks
 * (Node, the engine), so the failure is told in the doctor's words (what was tried, the exact
 * fix) instead of an engine error half-way through. A reachable engine costs nothing more.
 */
import { requiredNode } from '../adapters/doctor/required-node.js';
import type { AppContext } from '../app/context.js';
import { nodeCheck, type DoctorCheck } from '../core/doctor/checks.js';
import { DevenvError } from '../core/errors.js';

function gateError(failed: DoctorCheck): DevenvError {
  return new DevenvError(failed.id === 'engine' ? 'ENGINE_UNREACHABLE' : 'NODE_UNSUPPORTED', failed.seen, {
    hint: `${failed.fix ?? ''} Then \`devenv doctor\` checks the rest.`.trim(),
  });
}

export async function connectOrExplain(
  ctx: Pick<AppContext, 'engine'>,
  engineEnv: Record<string, string | undefined>,
): Promise<void> {
  const node = nodeCheck(process.versions.node, requiredNode());
  if (node.verdict === 'fail') throw gateError(node);
  try {
    await ctx.engine();
  } catch (error) {
    await failEarly(engineEnv);
    throw error;
  }
}

async function failEarly(engineEnv: Record<string, string | undefined>): Promise<void> {
  // The doctor's probes load only when they are needed.
  const [{ hostDoctorProbes }, { quickChecks }] = await Promise.all([
    import('../adapters/doctor/host-probes.js'),
    import('../app/doctor.js'),
  ]);
  const failed = (await quickChecks(hostDoctorProbes(), engineEnv)).find((check) => check.verdict === 'fail');
  if (failed !== undefined) throw gateError(failed);
}

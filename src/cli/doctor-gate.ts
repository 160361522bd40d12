/**
 * What `devenv up` asks before anything else: the doctor's quick checks (Node,
 * the engine). A failure stops it with the doctor's words (what was tried, the
 * exact fix) instead of an engine error half-way through.
 */
import { hostDoctorProbes } from '../adapters/doctor/host-probes.js';
import { quickChecks } from '../app/doctor.js';
import { DevenvError } from '../core/errors.js';

export async function failEarly(engineEnv: Record<string, string | undefined>): Promise<void> {
  const failed = (await quickChecks(hostDoctorProbes(), engineEnv)).find((check) => check.verdict === 'fail');
  if (failed === undefined) return;
  throw new DevenvError(failed.id === 'engine' ? 'ENGINE_UNREACHABLE' : 'NODE_UNSUPPORTED', failed.seen, {
    hint: `${failed.fix ?? ''} Then \`devenv doctor\` checks the rest.`.trim(),
  });
}

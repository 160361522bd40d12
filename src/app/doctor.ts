/**
 * `devenv doctor`: every check between a new hire and a green run, in order,
 * each emitted as it is judged (core/doctor/checks.ts judges; the probes
 * observe). With `fix`, the safe fixes are applied and the check judged
 * again: start a stopped engine when devenv knows how, raise the inotify
 * limit (as root), `gc` expired stacks, add the secrets line to .gitignore.
 * `quickChecks` is what `devenv up` runs first.
 */
import { dirname, join } from 'node:path';
import type { DoctorProbes, EngineDetails } from '../contracts/doctor-probes.js';
import type { ContainerEngine } from '../contracts/engine.js';
import {
  addressPoolsCheck,
  DEFAULT_ADDRESS_POOLS,
  diskCheck,
  engineCheck,
  gitCheck,
  imagesCheck,
  inotifyCheck,
  inotifyTarget,
  nodeCheck,
  portsCheck,
  secretsCheck,
  stacksCheck,
  summarize,
  templateCheck,
  vitestCheck,
  type DoctorCheck,
  type DoctorSummary,
  type EngineObservation,
  type ImageObservation,
  type PinnedPortObservation,
  type StacksObservation,
} from '../core/doctor/checks.js';
import { DEFAULT_ENVIRONMENT, type DevenvConfig } from '../core/config/devenv-config.js';
import { isDevenvError } from '../core/errors.js';
import { DEFAULT_PORT_POLICY, hostPortsArePinnable, planPort } from '../core/plan/port-plan.js';
import { isRequiredIn } from '../core/secrets/resolve-secrets.js';
import { secretsFileName, SECRETS_FILE_IGNORE_LINE } from '../core/secrets/secrets-file.js';
import { expiryReason } from '../core/stack/expiry.js';
import type { AppContext } from './context.js';
import { gc } from './gc.js';
import { collectStacks, type StackSummary } from './list-stacks.js';
import {
  resolveStackTarget,
  targetEnvironment,
  type StackOptions,
  type StackTarget,
} from './stack-target.js';

export interface DoctorOptions {
  fix: boolean;
  stack: StackOptions;
  /** What the engine is found by (the environment's `engine:` over the shell's variables). */
  engineEnv: Record<string, string | undefined>;
}

export interface DoctorFix {
  check: DoctorCheck['id'];
  ok: boolean;
  detail: string;
}

export interface DoctorReport {
  environment: string;
  checks: DoctorCheck[];
  summary: DoctorSummary;
  fixes: DoctorFix[];
}

function failureText(error: unknown): { error: string; hint?: string } {
  if (isDevenvError(error)) return { error: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return { error: error instanceof Error ? error.message : String(error) };
}

/** Node and the engine: cheap, and what every `up` needs. */
export async function quickChecks(
  probes: DoctorProbes,
  engineEnv: Record<string, string | undefined>,
): Promise<DoctorCheck[]> {
  return [
    nodeCheck(probes.nodeVersion(), probes.requiredNode()),
    engineCheck(await probes.engine(engineEnv)),
  ];
}

export async function doctor(
  ctx: AppContext,
  probes: DoctorProbes,
  options: DoctorOptions,
): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const fixes: DoctorFix[] = [];
  const emit = (check: DoctorCheck): DoctorCheck => {
    checks.push(check);
    ctx.emit({ type: 'doctor.check', check });
    return check;
  };
  const fixed = (check: DoctorCheck, fix: DoctorFix): DoctorCheck => {
    fixes.push(fix);
    return { ...check, fixed: fix.detail };
  };
  /** A check whose observation failed is a warning with the reason, never the end of the report. */
  const guarded = async (id: DoctorCheck['id'], title: string, judge: () => Promise<DoctorCheck>) => {
    try {
      return emit(await judge());
    } catch (error) {
      const { error: message, hint } = failureText(error);
      return emit({
        id,
        title,
        verdict: 'warn',
        seen: `Could not check: ${message}`,
        ...(hint ? { fix: hint } : {}),
      });
    }
  };

  emit(nodeCheck(probes.nodeVersion(), probes.requiredNode()));

  // ---- the engine ----
  let observation: EngineObservation = await probes.engine(options.engineEnv);
  let engineVerdict = engineCheck(observation);
  if (options.fix && !observation.answered && observation.start?.available) {
    const started = await probes.startEngine(observation.start.command, options.engineEnv);
    observation = await probes.engine(options.engineEnv);
    engineVerdict = fixed(engineCheck(observation), { check: 'engine', ...started });
  }
  emit(engineVerdict);
  const engineUp = observation.answered !== undefined;
  let details: EngineDetails | undefined;
  if (engineUp) details = await probes.engineDetails().catch(() => undefined);
  await guarded('disk', 'Disk space for images and volumes', async () => diskCheck(details?.disk));

  // ---- the project ----
  let config: DevenvConfig | undefined;
  let configError: unknown;
  try {
    config = ctx.project.devenvConfig(ctx.cwd);
  } catch (error) {
    configError = error;
  }
  const projectDir = config?.file ? dirname(config.file) : ctx.cwd;

  await guarded('inotify', 'File watch limit (inotify)', async () => {
    const ignore = config?.watch.ignore ?? [];
    const seen = await probes.inotify(projectDir, ignore);
    const judged = inotifyCheck(seen);
    if (!options.fix || judged.verdict === 'ok') return judged;
    const raised = await probes.raiseInotify(inotifyTarget(seen.projectEntries));
    return fixed(inotifyCheck(await probes.inotify(projectDir, ignore)), { check: 'inotify', ...raised });
  });

  await guarded('git', 'git', async () => gitCheck(await probes.gitVersion()));

  const environmentName = options.stack.environment ?? DEFAULT_ENVIRONMENT;
  await guarded('secrets', `Secrets file (${environmentName})`, async () => {
    if (config === undefined) throw configError;
    const environment = targetEnvironment(ctx, options.stack).name;
    const file = join(projectDir, secretsFileName(environment));
    const observe = async () => {
      const names = await probes.dotenvNames(file);
      const fromFile = config.secretSources
        .filter((secret) => secret.from.includes('file'))
        .map((secret) => ({ name: secret.name, required: isRequiredIn(secret, environment) }));
      return secretsCheck({
        environment,
        fromFile,
        present: names !== undefined,
        status: names === undefined ? 'no-repository' : await probes.gitFileStatus(file),
        ignoreLinePresent: await probes.gitignoreHas(projectDir, SECRETS_FILE_IGNORE_LINE),
        ...(names ? { missing: fromFile.map((s) => s.name).filter((name) => !names.includes(name)) } : {}),
      });
    };
    const judged = await observe();
    if (!options.fix || judged.verdict !== 'fail') return judged;
    if (await probes.gitignoreHas(projectDir, SECRETS_FILE_IGNORE_LINE)) return judged;
    await probes.appendGitignoreLine(projectDir, SECRETS_FILE_IGNORE_LINE);
    return fixed(await observe(), {
      check: 'secrets',
      ok: true,
      detail: `added the line \`${SECRETS_FILE_IGNORE_LINE}\` to ${join(projectDir, '.gitignore')}`,
    });
  });

  // ---- the template, and what it needs of the engine and this machine ----
  let target: StackTarget | undefined;
  await guarded('template', 'Compose template', async () => {
    if (config === undefined) return templateCheck(failureText(configError));
    try {
      target = await resolveStackTarget(ctx, options.stack);
    } catch (error) {
      return templateCheck(failureText(error));
    }
    return templateCheck({
      services: Object.keys(target.project.services).length,
      files: target.project.files.map((file) => file.replace(`${projectDir}/`, '')),
    });
  });

  let engine: { engine: ContainerEngine; publishedHost: string } | undefined;
  if (engineUp) {
    try {
      const connected = await ctx.engine();
      engine = { engine: connected.engine, publishedHost: connected.info.publishedHost };
    } catch {
      engine = undefined;
    }
  }

  await guarded('images', 'Images', async () => {
    if (!engine || !target) return imagesCheck(undefined);
    const images: ImageObservation[] = [];
    for (const service of Object.values(target.project.services)) {
      const image = service.image ?? `${target.project.name}-${service.name}`;
      if (service.build) {
        images.push({ service: service.name, image, built: true, present: false });
        continue;
      }
      const present = (await engine.engine.inspectImage(image)) !== undefined;
      images.push({
        service: service.name,
        image,
        built: false,
        present,
        ...(present ? {} : { registry: await probes.pullable(image) }),
      });
    }
    return imagesCheck(images);
  });

  let stacks: StackSummary[] | undefined;
  if (engine) stacks = await collectStacks(ctx, engine.engine).catch(() => undefined);

  await guarded('ports', 'Pinned host ports', async () => {
    if (!target) return portsCheck(undefined, 'no template');
    if (engine && !hostPortsArePinnable(engine.publishedHost))
      return portsCheck(
        undefined,
        `the engine publishes ports on ${engine.publishedHost}, not on this machine`,
      );
    const own = stacks?.find((stack) => stack.stack === target?.identity.name);
    const ports: PinnedPortObservation[] = [];
    for (const service of Object.values(target.project.services))
      for (const port of service.ports) {
        const number = Number(port.published);
        if (port.published === undefined || !Number.isInteger(number) || number <= 0) continue;
        const { hostIp } = planPort(port, { ...DEFAULT_PORT_POLICY, fixedPorts: true }).binding;
        const free = await ctx.hostPorts.isFree(hostIp, number, port.protocol);
        const ownStack = own?.services.some((s) => s.ports.some((p) => p.hostPort === number)) ?? false;
        const holder = free || ownStack ? undefined : await probes.portHolder(number, port.protocol);
        ports.push({
          service: service.name,
          hostIp,
          port: number,
          protocol: port.protocol,
          free,
          ...(ownStack ? { ownStack } : {}),
          ...(holder ? { holder } : {}),
        });
      }
    return portsCheck(ports);
  });

  await guarded('stacks', 'devenv stacks', async () => {
    if (!engine || !stacks) return stacksCheck(undefined);
    const observe = async (summaries: StackSummary[]): Promise<StacksObservation> => {
      const expiry = {
        now: ctx.clock.now(),
        hostname: ctx.host.hostname,
        isProcessAlive: ctx.host.isProcessAlive,
      };
      const expired = summaries.flatMap((s) => {
        const reason = expiryReason(s.lease, expiry);
        return reason ? [{ stack: s.stack, reason }] : [];
      });
      const orphaned: StacksObservation['orphaned'] = [];
      // A working directory is a path of the machine devenv ran on: only a local engine's stacks are judged by it.
      if (hostPortsArePinnable(engine?.publishedHost ?? ''))
        for (const s of summaries)
          if (
            s.workingDir !== '' &&
            !expired.some((e) => e.stack === s.stack) &&
            !(await probes.exists(s.workingDir))
          )
            orphaned.push({ stack: s.stack, workingDir: s.workingDir });
      return { expired, orphaned, total: summaries.length };
    };
    const seen = await observe(stacks);
    const judged = stacksCheck(seen);
    if (!options.fix || seen.expired.length === 0) return judged;
    const removed = await gc(ctx, { dryRun: false });
    stacks = await collectStacks(ctx, engine.engine);
    return fixed(stacksCheck(await observe(stacks)), {
      check: 'stacks',
      ok: true,
      detail:
        removed.length === 0
          ? 'ran `devenv gc`: nothing removed'
          : `ran \`devenv gc\`: removed ${removed.map((v) => v.stack).join(', ')}`,
    });
  });

  await guarded('address-pools', 'Network address pools', async () => {
    if (!details) return addressPoolsCheck(undefined);
    return addressPoolsCheck({
      pools: details.pools ?? DEFAULT_ADDRESS_POOLS,
      source: details.pools ? "the engine's default-address-pools" : "docker's default pools",
      usedSubnets: details.usedSubnets,
      devenvNetworks: (stacks ?? []).reduce((sum, stack) => sum + stack.networks.length, 0),
    });
  });

  await guarded('vitest', "The project's vitest", async () =>
    vitestCheck(await probes.projectVitest(projectDir)),
  );

  const environment = (() => {
    try {
      return targetEnvironment(ctx, options.stack).name;
    } catch {
      return environmentName;
    }
  })();
  return { environment, checks, summary: summarize(checks), fixes };
}

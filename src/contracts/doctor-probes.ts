/**
 * What `devenv doctor` observes on this machine and its engine, and the safe
 * fixes it can apply (implemented in adapters/doctor). The verdicts are
 * core/doctor's; this only gathers and changes.
 */
import type {
  AddressPool,
  DiskObservation,
  EngineObservation,
  InotifyObservation,
  VitestObservation,
} from '../core/doctor/checks.js';
import type { GitFileStatus } from '../core/secrets/secrets-file.js';

export interface EngineDetails {
  disk: DiskObservation;
  /** daemon pools when the engine reports them (daemon.json `default-address-pools`), else undefined. */
  pools?: AddressPool[];
  /** IPv4 subnets of every network of the engine. */
  usedSubnets: string[];
}

export interface DoctorProbes {
  nodeVersion(): string;
  /** package.json engines.node of devenv. */
  requiredNode(): string;
  /** Tries the engine addresses in order (as every command does), saying what each one did. */
  engine(env: Record<string, string | undefined>): Promise<EngineObservation>;
  /** The engine that answered: its data root's free space and its networks' subnets. */
  engineDetails(): Promise<EngineDetails | undefined>;
  /** The watch limit against the project's files (what watch mode would watch). */
  inotify(projectDir: string, ignore: readonly string[]): Promise<InotifyObservation>;
  /** `git --version`, undefined when git is not there. */
  gitVersion(): Promise<string | undefined>;
  gitFileStatus(file: string): Promise<GitFileStatus>;
  /** The names a dotenv file sets, undefined when there is no such file. */
  dotenvNames(file: string): Promise<string[] | undefined>;
  /** Whether `dir/.gitignore` has exactly this line. */
  gitignoreHas(dir: string, line: string): Promise<boolean>;
  /** Who listens on a host port, when this machine can tell: "nginx (pid 42)". */
  portHolder(port: number, protocol: 'tcp' | 'udp'): Promise<string | undefined>;
  /** Whether the image's registry answers and has it (anonymously), with the reason when not. */
  pullable(image: string): Promise<{ host: string; reachable: boolean; found?: boolean; reason?: string }>;
  /** The vitest installed in the project, resolved from its directory. */
  projectVitest(dir: string): Promise<VitestObservation>;
  exists(path: string): Promise<boolean>;

  // ---- fixes ----
  /** Runs the engine's start command and waits until the engine answers (or gives up). */
  startEngine(
    command: readonly string[],
    env: Record<string, string | undefined>,
  ): Promise<{ ok: boolean; detail: string }>;
  /** Raises fs.inotify.max_user_watches to at least `value` (as root); says what happened. */
  raiseInotify(value: number): Promise<{ ok: boolean; detail: string }>;
  appendGitignoreLine(dir: string, line: string): Promise<void>;
}

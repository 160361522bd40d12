/**
 * devenv's entry: parse argv, pick the command, run it with a real
 * AppContext, turn errors into a paragraph with the next step and an exit code.
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { systemClock } from '../app/context.js';
import type { DevenvEvent } from '../app/events.js';
import { DevenvError } from '../core/errors.js';
import { createAppContext } from './app-context.js';
import { engineEnvironment } from './engine-selection.js';
import { joinNegativeNumberValues } from './argv.js';
import {
  commandOptions,
  commandUsage,
  refuseUnexpectedArguments,
  runChangesStack,
  type Command,
  type CommandIO,
} from './command.js';
import { renderError } from './error-handler.js';
import { secretValues } from '../core/redact.js';
import { secretRegistry } from '../core/secret-registry.js';

/** Commands load on use: `devenv ls` does not pay for the test runner or the terminal UI. */
export const commands: Record<string, () => Promise<Command>> = {
  up: async () => (await import('./commands/up.js')).upCommand,
  down: async () => (await import('./commands/down.js')).downCommand,
  ls: async () => (await import('./commands/ls.js')).lsCommand,
  env: async () => (await import('./commands/env.js')).envCommand,
  config: async () => (await import('./commands/config.js')).configCommand,
  diff: async () => (await import('./commands/diff.js')).diffCommand,
  logs: async () => (await import('./commands/logs.js')).logsCommand,
  gc: async () => (await import('./commands/gc.js')).gcCommand,
  doctor: async () => (await import('./commands/doctor.js')).doctorCommand,
  test: async () => (await import('./commands/test.js')).testCommand,
  watch: async () => (await import('./commands/watch.js')).watchCommand,
  'db snapshot': async () => (await import('./commands/db-snapshot.js')).dbSnapshotCommand,
  'db seed': async () => (await import('./commands/db-seed.js')).dbSeedCommand,
  'db reset': async () => (await import('./commands/db-reset.js')).dbResetCommand,
  'db dump': async () => (await import('./commands/db-dump.js')).dbDumpCommand,
  'db load': async () => (await import('./commands/db-load.js')).dbLoadCommand,
  'db anonymize': async () => (await import('./commands/db-anonymize.js')).dbAnonymizeCommand,
  'preview up': async () => (await import('./commands/preview.js')).previewUpCommand,
  'preview ls': async () => (await import('./commands/preview.js')).previewLsCommand,
  'preview logs': async () => (await import('./commands/preview.js')).previewLogsCommand,
  'preview rm': async () => (await import('./commands/preview.js')).previewRmCommand,
  init: async () => (await import('./commands/init.js')).initCommand,
  __reap: async () => (await import('./commands/reap.js')).reapCommand,
};

/** `devenv db seed`: a command of a group is named by two words; the second is not a positional of the first. */
function commandName(argv: readonly string[]): { name: string; rest: string[] } {
  const [first = '', second, ...rest] = argv;
  const pair = second === undefined ? undefined : `${first} ${second}`;
  if (pair !== undefined && Object.hasOwn(commands, pair)) return { name: pair, rest };
  return { name: first, rest: argv.slice(1) };
}

/** The groups (`db`), for `devenv db` alone and for the help. */
function groupOf(name: string): string[] {
  return Object.keys(commands).filter((key) => key.startsWith(`${name} `));
}

function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../../package.json') as { version: string }).version;
}

async function help(): Promise<string> {
  const loaded = await Promise.all(Object.values(commands).map((load) => load()));
  const lines = [
    'devenv: isolated, health-gated dev stacks from a compose template',
    '',
    'Usage: devenv <command> [options]',
    '',
    'Commands:',
  ];
  for (const command of loaded.filter((c) => !c.hidden))
    lines.push(`  ${command.name.padEnd(14)} ${command.summary}`);
  lines.push(
    '',
    'Every command takes -f FILE (repeatable), --branch NAME, --stack NAME. `devenv <command> --help` for its flags.',
  );
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  // `devenv ls | head`: a closed pipe ends the output quietly, not with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
  // Every line devenv prints passes through this one mask: secret values known so far (the
  // shell's secret-looking variables now, the template's as soon as they are read) never show.
  const secrets = secretRegistry(secretValues(process.env));
  const write = (stream: NodeJS.WriteStream) => (text: string) => void stream.write(`${text}\n`);
  const masked = (stream: NodeJS.WriteStream) => (text: string) =>
    void stream.write(`${secrets.mask(text)}\n`);
  const stdout = masked(process.stdout);
  const stderr = masked(process.stderr);
  const { name, rest } = argv.length === 0 ? { name: undefined, rest: [] } : commandName(argv);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    stdout(await help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    stdout(version());
    return 0;
  }
  const json = rest.includes('--json');
  try {
    const command = Object.hasOwn(commands, name) ? await commands[name]?.() : undefined;
    if (!command) {
      const group = groupOf(name);
      if (group.length > 0)
        throw new DevenvError(
          'USAGE',
          rest[0] === undefined || rest[0].startsWith('-')
            ? `\`devenv ${name}\` needs a command: ${group.map((key) => key.slice(name.length + 1)).join(', ')}.`
            : `Unknown command "${name} ${rest[0]}".`,
          { hint: `One of: ${group.map((key) => `devenv ${key}`).join(', ')}.` },
        );
      throw new DevenvError('USAGE', `Unknown command "${name}".`, {
        hint: 'Run `devenv --help` for the list of commands.',
      });
    }
    let parsed;
    const options = commandOptions(command);
    try {
      const args = joinNegativeNumberValues(rest, options);
      parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    } catch (error) {
      throw new DevenvError('USAGE', (error as Error).message, { hint: `Usage: ${commandUsage(command)}` });
    }
    if (parsed.values['help']) {
      stdout(`${command.summary}\n\nUsage: ${commandUsage(command)}`);
      return 0;
    }
    refuseUnexpectedArguments(command, parsed);
    const controller = new AbortController();
    let interrupts = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      interrupts += 1;
      if (interrupts > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let render: (event: DevenvEvent) => void = () => undefined;
    const io: CommandIO = {
      stdout,
      stderr,
      stdoutUnmasked: write(process.stdout),
      isTTY: process.stdout.isTTY === true,
      setRenderer: (r) => (render = r),
    };
    const ctx = createAppContext({
      cwd: process.cwd(),
      env: process.env,
      engineEnv: engineEnvironment(command, parsed, process.cwd(), process.env),
      clock: systemClock,
      version: version(),
      signal: controller.signal,
      sink: (event) => render(event),
      secrets,
    });
    try {
      // Once for every command, from its declared effect: a change to a protected environment is confirmed first.
      if (runChangesStack(command, parsed))
        await (await import('./protected-confirmation.js')).confirmProtectedChange(ctx, io, command, parsed);
      return await command.run(ctx, io, parsed);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  } catch (error) {
    const { text, exitCode } = renderError(error, json);
    (json ? stdout : stderr)(text);
    return exitCode;
  }
}

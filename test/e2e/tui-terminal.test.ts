/**
 * The dashboard and its terminal, in a real one (tmux): colours follow
 * NO_COLOR / FORCE_COLOR / TERM, and a resized terminal gets a layout for its
 * new size. One small service (Redis with a published port) keeps it cheap.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { reapBranchPrefix, runPrefix } from '../support/engine-state.js';
import { tempProject, type TempProject } from '../support/projects.js';
import { EXITED, tmuxServer, type TerminalSize } from '../support/tmux-dashboard.js';

const prefix = runPrefix();
const terminal = tmuxServer(`devenv-e2e-${prefix}`);
const projects: TempProject[] = [];

afterAll(async () => {
  await terminal.kill();
  await reapBranchPrefix(prefix);
  await Promise.all(projects.map((p) => p.remove()));
});

// More log lines than a 120x40 logs pane holds, printed before the server starts: the pane is full at any size.
const compose = `
services:
  redis:
    image: \${REDIS_IMAGE:-redis:7}
    command: ["sh", "-c", "seq -f 'warming up %g' 1 60; exec docker-entrypoint.sh redis-server"]
    ports:
      - "6379:6379"
`;

async function project(): Promise<TempProject> {
  const p = await tempProject({ 'compose.yaml': compose }, 'dvt-');
  projects.push(p);
  return p;
}

const serviceRow = (text: string) => text.split('\n').find((line) => /^[› ] redis /.test(line)) ?? '';
/** Redis is ready and has logged its start-up: nothing on screen moves any more but the uptime. */
const settled = (text: string) =>
  serviceRow(text).includes('✔ ready') && text.includes('Ready to accept connections');

const ESC = '\u001b';
const SGR = new RegExp(`${ESC}\\[([\\d;:]*)m`, 'g');

/** The SGR sequences that set a colour (30–38, 40–48, 90–97, 100–107); 39/49 only reset to the default. */
function colourEscapes(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(SGR)) {
    const params = (match[1] ?? '').split(/[;:]/).map(Number);
    const colour = (p: number) =>
      (p >= 30 && p <= 38) || (p >= 40 && p <= 48) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107);
    if (params.some(colour)) found.push(JSON.stringify(match[0]));
  }
  return found;
}

async function quit(session: string, dir: string, branch: string) {
  await terminal.sendKeys(session, 'q');
  const end = await terminal.waitForScreen(session, (t) => t.includes(EXITED), 'devenv exiting', {
    timeoutMs: 30_000,
  });
  expect(end).toContain(`${EXITED} 0`);
  expect((await devenv(dir, ['down', '-v', '--branch', branch])).exitCode).toBe(0);
}

describe('terminal UI colours (tmux)', () => {
  // Each case is checked against its opposite: a colour terminal (colours appear) for NO_COLOR, TERM=dumb
  // (chalk turns styling off) for FORCE_COLOR; so a check for "no colours" cannot pass on a dead screen.
  const cases: { name: string; env: Record<string, string>; colour: boolean }[] = [
    { name: 'a colour terminal (TERM=xterm-256color)', env: {}, colour: true },
    { name: 'NO_COLOR=1', env: { NO_COLOR: '1' }, colour: false },
    {
      name: 'NO_COLOR=1 with FORCE_COLOR=1 (NO_COLOR wins)',
      env: { NO_COLOR: '1', FORCE_COLOR: '1' },
      colour: false,
    },
    { name: 'TERM=dumb', env: { TERM: 'dumb' }, colour: false },
    { name: 'FORCE_COLOR=1 on TERM=dumb', env: { TERM: 'dumb', FORCE_COLOR: '1' }, colour: true },
  ];

  it.each(cases.map((c, index) => ({ ...c, index })))(
    '$name: colours $colour',
    async ({ env, colour, index }) => {
      const branch = `${prefix}-colour${index}`;
      const { dir } = await project();
      const record = join(dir, 'terminal.out');
      await terminal.start({
        session: branch,
        dir,
        args: ['up', '--branch', branch, '--no-watch'],
        size: { columns: 120, rows: 40 },
        env,
        record,
      });
      const plain = await terminal.waitForScreen(branch, settled, 'redis ready with its start-up logged', {
        timeoutMs: 60_000,
      });
      const screen = await terminal.screen(branch, { escapes: true });
      expect(plain).toContain(`branch ${branch}`);
      if (colour) {
        expect(colourEscapes(screen).length).toBeGreaterThan(0);
        // e.g. the state in green, the service's own colour (bright cyan for redis) in its log prefix
        expect(screen).toContain(`${ESC}[32mrunning`);
        expect(screen).toContain(`${ESC}[96mredis | `);
      } else {
        expect(colourEscapes(screen)).toEqual([]);
      }
      // Without colours the selected row stays visible: the marker, and reverse video unless styling is off.
      expect(serviceRow(plain)).toMatch(/^› redis /);
      if (!colour && env['TERM'] !== 'dumb') expect(screen).toContain(`${ESC}[7mredis`);

      await quit(branch, dir, branch);
      // Everything devenv wrote, from its first frame (spinners included) to its goodbye line.
      const written = await readFile(record, 'utf8');
      expect(written).toContain('Detached.');
      if (colour) expect(colourEscapes(written).length).toBeGreaterThan(0);
      else expect(colourEscapes(written)).toEqual([]);
    },
    90_000,
  );
});

/** The kinds of line the dashboard draws for this project; anything else on screen is stale or broken. */
const LINE_KINDS = [
  /^devenv project /,
  /^ {7}stack /,
  /^ {2}SERVICE +IMAGE +STATE +HEALTH +PORTS +UPTIME +RST$/,
  /^[› ] redis +\S+ +running +✔ ready \S+ +127\.0\.0\.1:\d+ -> 6379 +\S+ +0$/,
  /^tests: not configured$/,
  /^\d\d:\d\d:\d\d note .+$/,
  /^─ logs: all services · following ─+$/,
  /^redis \| .+$/,
  /q quit$/,
];

interface Layout {
  problems: string[];
  logRows: number;
  ruleLength: number;
  stateColumn: number;
}

/** What a screen of the given size shows, and what is wrong with it. */
function layoutOf(text: string, size: TerminalSize): Layout {
  const lines = text.split('\n').map((line) => line.trimEnd());
  const problems: string[] = settled(text) ? [] : ['redis not shown ready with its start-up logged'];
  const indexes = (pattern: RegExp) => lines.flatMap((line, i) => (pattern.test(line) ? [i] : []));
  for (const line of lines) {
    if ([...line].length > size.columns) problems.push(`wider than ${size.columns}: ${line}`);
    if (line !== '' && !LINE_KINDS.some((kind) => kind.test(line))) problems.push(`unexpected line: ${line}`);
  }
  const once = (what: string, pattern: RegExp) => {
    const found = indexes(pattern);
    if (found.length !== 1) problems.push(`${what} ${found.length} times`);
    return found[0] ?? -1;
  };
  once('header', /^devenv project /);
  const tableHeader = once('services header', /^ {2}SERVICE /);
  once('redis row', /^[› ] redis /);
  const rule = once('logs title', /^─ logs: /);
  const keys = once('keys line', /q quit$/);
  // The dashboard takes the terminal's height (its last row left free) and the logs pane the rows between.
  if (keys < size.rows - 2) problems.push(`keys line on row ${keys + 1} of ${size.rows}`);
  const logRows = keys - rule - 1;
  const between = lines.slice(rule + 1, keys);
  if (logRows < 1 || between.some((line) => !line.startsWith('redis | ')))
    problems.push(`logs pane not full of log lines: ${JSON.stringify(between)}`);
  return {
    problems,
    logRows,
    ruleLength: [...(lines[rule] ?? '')].length,
    stateColumn: (lines[tableHeader] ?? '').indexOf('STATE'),
  };
}

describe('terminal UI resize (tmux)', () => {
  it('redraws for 80x24 when the terminal shrinks, and uses the room again when it grows back to 120x40', async () => {
    const branch = `${prefix}-resize`;
    const session = branch;
    const { dir } = await project();
    const big = { columns: 120, rows: 40 };
    const small = { columns: 80, rows: 24 };

    /** Waits until the screen is a clean layout for `size` (a redraw takes a frame or two), then reads it. */
    const settle = async (size: TerminalSize, what: string): Promise<{ text: string; layout: Layout }> => {
      let problems: string[] = [];
      await terminal
        .waitForScreen(session, (t) => (problems = layoutOf(t, size).problems).length === 0, what, {
          timeoutMs: 30_000,
        })
        .catch((error: Error) => {
          throw new Error(`${error.message}\nproblems:\n${problems.join('\n')}`);
        });
      expect(await terminal.paneSize(session)).toEqual(size);
      // Still so a moment later: nothing drawn for the previous size turns up late.
      await sleep(1000);
      const later = await terminal.screen(session);
      expect(layoutOf(later, size).problems).toEqual([]);
      return { text: later, layout: layoutOf(later, size) };
    };

    await terminal.start({ session, dir, args: ['up', '--branch', branch, '--no-watch'], size: big });
    await terminal.waitForScreen(session, settled, 'redis ready with its start-up logged', {
      timeoutMs: 60_000,
    });
    const before = await settle(big, 'a clean 120x40 layout');
    expect(serviceRow(before.text)).toContain('devenv-test/redis:7');

    await terminal.resize(session, small);
    const shrunk = await settle(small, 'a clean 80x24 layout after the resize');
    // Laid out again for 80 columns (not the 120-column layout cut off): the row keeps its ports, uptime and
    // restarts within 80 columns because the columns got narrower.
    expect(serviceRow(shrunk.text)).toMatch(/127\.0\.0\.1:\d+ -> 6379 +\S+ +0$/);
    expect(shrunk.layout.stateColumn).toBeLessThan(before.layout.stateColumn);
    expect(before.layout.ruleLength - shrunk.layout.ruleLength).toBe(big.columns - small.columns);
    expect(shrunk.layout.logRows).toBeLessThan(before.layout.logRows);

    await terminal.resize(session, big);
    const grown = await settle(big, 'a clean 120x40 layout after growing back');
    expect(grown.layout).toEqual(before.layout);
    expect(serviceRow(grown.text)).toContain('devenv-test/redis:7');
    expect(grown.layout.logRows).toBeGreaterThan(shrunk.layout.logRows);

    await quit(session, dir, branch);
  }, 120_000);
});

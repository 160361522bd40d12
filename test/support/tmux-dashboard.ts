/**
 * The dashboard in a real terminal: a private tmux server (its own -L socket,
 * so tests running in parallel never see each other's sessions) runs attached
 * `devenv up` in sessions of a given size. Tests read the screen
 * (capture-pane), press keys and resize the window as a user would.
 */
import { execa } from 'execa';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { devenvBin, standInImages } from './cli.js';

export interface TerminalSize {
  columns: number;
  rows: number;
}

export interface DashboardPane {
  /** The tmux session's name (letters, digits and dashes). */
  session: string;
  /** The project directory devenv runs in. */
  dir: string;
  /** devenv's arguments, e.g. ['up', '--branch', b]. */
  args: string[];
  size: TerminalSize;
  /**
   * Added to the pane's otherwise empty environment (devenv runs under `env -i`, so no CI, NO_COLOR or
   * DOCKER_* leaks in from the test runner), over the stand-in images, TERM=xterm-256color, PATH and HOME.
   */
  env?: Record<string, string>;
  /** Append every byte devenv writes to the terminal (escapes included), from the first one, to this file. */
  record?: string;
}

export interface ScreenOptions {
  /** Keep the escape sequences of colours and attributes (capture-pane -e). */
  escapes?: boolean;
}

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** What the pane prints once devenv has ended (the pane then stays, so its last screen can be read). */
export const EXITED = 'devenv exited:';

export interface TmuxServer {
  readonly socket: string;
  tmux(...args: string[]): Promise<{ stdout: string }>;
  /** Starts devenv in a new detached session; resolves once the command runs. */
  start(pane: DashboardPane): Promise<void>;
  /** The pane's visible screen; wrapped lines joined (-J), so an over-long line shows as one. */
  screen(session: string, options?: ScreenOptions): Promise<string>;
  /** Polls the screen until it matches (the dashboard redraws on its own schedule); fails with the last screen. */
  waitForScreen(
    session: string,
    predicate: (text: string) => boolean,
    what: string,
    options?: ScreenOptions & { timeoutMs?: number },
  ): Promise<string>;
  sendKeys(session: string, ...keys: string[]): Promise<void>;
  /** Resizes the session's window (tmux then sets window-size to manual for it) and so the pane's terminal. */
  resize(session: string, size: TerminalSize): Promise<void>;
  paneSize(session: string): Promise<TerminalSize>;
  /** Ends every session, and with them the devenv processes still running in them; removes the socket. */
  kill(): Promise<void>;
}

export function tmuxServer(socket: string): TmuxServer {
  const tmux = async (...args: string[]) => {
    const result = await execa('tmux', ['-L', socket, ...args]);
    return { stdout: String(result.stdout) };
  };
  // `=name:` is the session of exactly that name (a bare name may match another session as a prefix or pattern).
  const target = (session: string) => `=${session}:`;
  const screen = async (session: string, options: ScreenOptions = {}) =>
    (await tmux('capture-pane', '-p', '-J', ...(options.escapes ? ['-e'] : []), '-t', target(session)))
      .stdout;

  return {
    socket,
    tmux,
    screen,
    async start(pane) {
      const env = Object.entries({
        ...standInImages,
        TERM: 'xterm-256color',
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '/root',
        ...pane.env,
      })
        .map(([key, value]) => `${key}=${quote(value)}`)
        .join(' ');
      const channel = `${pane.session}-go`;
      // With a recording, devenv waits until pipe-pane is attached, so not even its first frame is missed.
      const gate = pane.record ? `tmux -L ${quote(socket)} wait-for ${quote(channel)}; ` : '';
      const run = [process.execPath, devenvBin, ...pane.args].map(quote).join(' ');
      const command = `${gate}cd ${quote(pane.dir)} && env -i ${env} ${run}; echo "${EXITED} $?"; sleep 600`;
      await tmux(
        'new-session',
        '-d',
        '-s',
        pane.session,
        '-x',
        String(pane.size.columns),
        '-y',
        String(pane.size.rows),
        command,
      );
      if (pane.record) {
        await tmux('pipe-pane', '-o', '-t', target(pane.session), `cat >> ${quote(pane.record)}`);
        await tmux('wait-for', '-S', channel);
      }
    },
    async waitForScreen(session, predicate, what, options = {}) {
      const deadline = Date.now() + (options.timeoutMs ?? 120_000);
      let text = '';
      for (;;) {
        text = await screen(session, options);
        if (predicate(text)) return text;
        if (Date.now() > deadline) break;
        await sleep(100);
      }
      throw new Error(`screen never showed ${what}:\n${text}`);
    },
    async sendKeys(session, ...keys) {
      await tmux('send-keys', '-t', target(session), ...keys);
    },
    async resize(session, size) {
      await tmux('resize-window', '-t', target(session), '-x', String(size.columns), '-y', String(size.rows));
    },
    async paneSize(session) {
      const { stdout } = await tmux(
        'display-message',
        '-p',
        '-t',
        target(session),
        '#{pane_width} #{pane_height}',
      );
      const [columns, rows] = stdout.trim().split(' ').map(Number);
      return { columns: columns ?? 0, rows: rows ?? 0 };
    },
    async kill() {
      await execa('tmux', ['-L', socket, 'kill-server'], { reject: false });
      // tmux leaves its socket file behind.
      const dir = join(process.env['TMUX_TMPDIR'] ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`);
      await rm(join(dir, socket), { force: true });
    },
  };
}

/** Picks the renderer for a command's event stream: JSON lines with --json, else plain lines. */
import type { AppContext } from '../app/context.js';
import type { DevenvEvent } from '../app/events.js';
import { colorEnabled, palette } from '../ui/colors.js';
import { jsonRenderer } from '../ui/json-renderer.js';
import { plainRenderer } from '../ui/plain/plain-renderer.js';
import type { CommandIO } from './command.js';

export interface RendererChoice {
  json: boolean;
  /** Known secret values to mask (they can grow while the command runs). */
  secrets?: () => readonly string[];
  verbose?: boolean;
}

export function eventRenderer(
  ctx: AppContext,
  io: CommandIO,
  choice: RendererChoice,
): (event: DevenvEvent) => void {
  const secrets = choice.secrets ?? (() => []);
  if (choice.json) return jsonRenderer(io.stdout, secrets);
  return plainRenderer({
    write: io.stdout,
    palette: palette(colorEnabled(ctx.env, io.isTTY)),
    secrets,
    verbose: choice.verbose === true,
  });
}

/**
 * The plain renderer: one readable line per event, for no TTY, CI=true or
 * --no-tui. Secrets are masked in everything it prints.
 */
import type { DevenvEvent } from '../../app/events.js';
import { redactKnownValues, redactValue } from '../../core/redact.js';
import type { Palette } from '../colors.js';
import { formatDataCache } from '../format-data-cache.js';
import { formatDatabaseEvent } from '../format-database.js';
import { initEventLines } from '../format-init.js';
import { formatPorts } from '../format-ports.js';
import { formatTasks, tasksSettled } from '../format-tasks.js';
import { timingLines } from '../format-timings.js';
import { snapshotEventLine } from '../format-snapshot.js';
import { anonymizeEventLines } from './anonymize-lines.js';
import { testEventLines } from './test-lines.js';
import { escapeControls, terminalSafe } from '../ink/terminal-text.js';

export interface PlainRendererOptions {
  write: (line: string) => void;
  palette: Palette;
  /** Known secret values to mask in log lines. */
  secrets: () => readonly string[];
  /** Show image build/pull progress lines. */
  verbose?: boolean;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function plainRenderer(options: PlainRendererOptions): (event: DevenvEvent) => void {
  const { write, palette: p } = options;
  const mask = (text: string) => redactKnownValues(text, options.secrets());
  /** A line a container (or a service's healthcheck) printed: secrets masked, terminal controls stripped. */
  const fromContainer = (text: string) => terminalSafe(mask(text), Number.POSITIVE_INFINITY);
  let width = 0;
  const label = (service: string) => p.service(service, service.padEnd(width));
  return (event) => {
    switch (event.type) {
      case 'stack.resolved':
        width = Math.max(...event.services.map((s) => s.length), 4);
        write(
          `${p.paint(1, 'devenv')} stack ${p.paint(1, event.stack)} (project ${event.project}, env ${event.environment}, branch ${event.branch}, owner ${event.owner}) on ${event.endpoint}`,
        );
        return;
      case 'warning': {
        const where = event.warning.file
          ? `${event.warning.file}${event.warning.line ? `:${event.warning.line}` : ''}: `
          : '';
        write(`${p.paint(33, 'warning')} ${escapeControls(`${where}${event.warning.message}`)}`);
        return;
      }
      case 'engine.reconnected':
        write(`${p.paint(2, 'note')}    engine answers again; following ${event.service}`);
        return;
      case 'engine.connected':
      case 'test.database.ready':
        return;
      case 'timings':
        for (const line of timingLines(event.phases)) write(`${p.paint(2, 'time')}    ${line}`);
        return;
      case 'info':
        write(`${p.paint(2, 'note')}    ${event.message}`);
        return;
      case 'stack.waiting':
        write(
          `${p.paint(2, 'note')}    waiting for another devenv process (pid ${event.pid} on ${event.host}, since ${event.since}) that is changing stack ${event.stack}`,
        );
        return;
      case 'plan':
        for (const step of event.steps) write(`${p.paint(2, 'plan')}    ${step}`);
        return;
      case 'image.pulling':
        if (options.verbose || !event.progress.id)
          write(`${label(event.service)}  pulling ${event.image}: ${event.progress.status}`);
        return;
      case 'image.building':
        if (options.verbose) write(`${label(event.service)}  build: ${event.progress.status}`);
        return;
      case 'image.ready':
        write(`${label(event.service)}  image ${event.image} ${event.source} (${seconds(event.durationMs)})`);
        return;
      case 'image.removed':
        write(`image   ${event.image} removed`);
        return;
      case 'network.created':
        write(`network ${event.network} created`);
        return;
      case 'network.removed':
        write(`network ${event.network} removed`);
        return;
      case 'volume.created':
        write(`volume  ${event.volume} created`);
        return;
      case 'volume.removed':
        write(`volume  ${event.volume} removed`);
        return;
      case 'container.created':
      case 'container.started':
      case 'container.kept':
      case 'container.stopped':
      case 'container.removed':
        write(`${label(event.service)}  ${event.type.slice('container.'.length)} ${event.container}`);
        return;
      case 'data.cache':
        write(`${label(event.service)}  ${mask(formatDataCache(event))}`);
        return;
      case 'health.changed':
        write(
          `${label(event.service)}  ${event.health === 'probing' ? `waiting: ${fromContainer(event.detail ?? '')}` : `health ${event.health}`}`,
        );
        return;
      case 'service.ready':
        write(
          `${label(event.service)}  ${p.paint(32, 'ready')} in ${seconds(event.durationMs)} (${event.probe})${event.ports.length ? `  ${formatPorts(event.ports)}` : ''}`,
        );
        return;
      case 'service.restarted':
        write(
          `${label(event.service)}  ${p.paint(33, 'restarted')} by the engine (${event.restartCount} so far): ${event.reason}`,
        );
        return;
      case 'service.tasks':
        // Once every task runs or has ended (not each step of a task's start).
        if (tasksSettled(event))
          write(`${label(event.service)}  tasks ${mask(formatTasks(event.service, event))}`);
        return;
      case 'service.failed':
        write(`${label(event.service)}  ${p.paint(31, 'failed')}: ${escapeControls(event.reason)}`);
        for (const line of event.logTail) write(`${label(event.service)}  | ${fromContainer(line)}`);
        return;
      case 'stack.ready': {
        write(`${p.paint(32, '✔')} stack ${event.stack} ready in ${seconds(event.durationMs)}`);
        for (const [key, value] of Object.entries(event.env).sort(([a], [b]) => a.localeCompare(b))) {
          write(`  ${key}=${mask(redactValue(key, value))}`);
        }
        return;
      }
      case 'stack.removed':
        if (event.containers + event.networks + event.volumes + event.volumesKept === 0) {
          write(
            `Nothing to remove: no containers, networks or volumes of stack ${event.stack} on this engine (\`devenv ls\` lists the stacks there).`,
          );
          return;
        }
        write(
          `${p.paint(32, '✔')} stack ${event.stack} removed: ${event.containers} containers, ${event.networks} networks, ${event.volumes} volumes (${seconds(event.durationMs)})`,
        );
        return;
      case 'snapshot.saved':
      case 'snapshot.restored':
      case 'snapshot.removed':
        write(`${p.paint(32, '✔')} ${snapshotEventLine(event)}`);
        return;
      case 'init.file':
      case 'init.git':
      case 'init.done':
        for (const line of initEventLines(event)) write(line);
        return;
      case 'proxy.synced':
        write(
          `${p.paint(2, 'proxy')}   ${event.container} routes ${event.routes.length} service${event.routes.length === 1 ? '' : 's'} on port ${event.port}`,
        );
        return;
      case 'stack.urls':
        for (const route of event.urls) write(`  ${route.service}: ${route.url}`);
        return;
      case 'proxy.removed':
        write(`${p.paint(2, 'proxy')}   ${event.container} removed: ${event.reason}`);
        return;
      case 'preview.worktree':
        write(
          `${p.paint(2, 'preview')} ${event.branch} at ${event.commit.slice(0, 12)} (worktree ${event.action}: ${event.dir})`,
        );
        return;
      case 'preview.removed':
        write(
          `${p.paint(32, '✔')} preview of ${event.branch} removed (${event.stack})${event.reason ? `: ${event.reason}` : ''}`,
        );
        return;
      case 'log':
        write(`${label(event.service)} | ${fromContainer(event.line)}`);
        return;
      case 'error':
        // While attached (the engine went away, a restart failed); errors that end a command print on their own.
        write(`${p.paint(31, 'error')}   ${mask(event.message)}`);
        if (event.hint) write(`        ${mask(event.hint)}`);
        return;
      case 'database.connections.ended':
      case 'database.progress':
        write(`${p.paint(2, 'note')}    ${formatDatabaseEvent(event)}`);
        return;
      case 'database.seeded':
      case 'database.reset':
      case 'database.dumped':
      case 'database.loaded':
        write(`${p.paint(32, '✔')} ${formatDatabaseEvent(event)}`);
        return;
      case 'anonymize.step':
      case 'anonymize.check':
      case 'anonymize.done':
        for (const line of anonymizeEventLines(event, p)) write(mask(line));
        return;
      case 'watcher.ready':
      case 'test.runner':
      case 'files.changed':
      case 'test.run.started':
      case 'test.file.result':
      case 'test.run.finished':
      case 'test.run.cancelled':
      case 'test.run.error':
        for (const line of testEventLines(event, p)) write(mask(line));
        return;
    }
  };
}

/**
 * One row per service: name, image (or build state), state, health (a
 * spinner while starting, the time to ready once ready), ports, uptime,
 * restarts. A failed service is red with its reason on the line below.
 */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { ServiceRow, Transfer } from '../dashboard-state.js';
import type { TaskTone } from '../../format-tasks.js';
import { taskRows } from '../task-rows.js';
import { spinnerFrame, useTone } from '../theme.js';
import { fit, formatDuration, formatPortArrows, formatUptime } from '../units.js';

export interface ServicesTableProps {
  services: readonly ServiceRow[];
  transfers: readonly Transfer[];
  /** The stack name (recognizes devenv's tags of built images). */
  stack?: string;
  selected: number;
  now: number;
  frame: number;
  width: number;
  height: number;
}

interface Columns {
  name: number;
  image: number;
  state: number;
  health: number;
  ports: number;
  uptime: number;
  restarts: number;
}

export function columnsFor(width: number, services: readonly ServiceRow[]): Columns {
  const name = Math.min(20, Math.max(7, ...services.map((s) => s.name.length)) + 1);
  const fixed = { state: 9, health: 13, uptime: 7, restarts: 4 };
  const rest = width - 2 - name - fixed.state - fixed.health - fixed.uptime - fixed.restarts;
  const portsWanted = Math.max(5, ...services.map((s) => formatPortArrows(s.ports).length)) + 1;
  const ports = Math.max(6, Math.min(portsWanted, rest - 10));
  return { name, image: Math.max(6, rest - ports), ...fixed, ports };
}

const STATE_LABEL: Record<ServiceRow['phase'], string> = {
  pending: 'waiting',
  pulling: 'pulling',
  building: 'building',
  created: 'created',
  starting: 'starting',
  ready: 'running',
  failed: 'FAILED',
  stopped: 'stopped',
  removed: 'removed',
};

function shortImage(image: string | undefined, stack: string | undefined): string {
  if (!image) return '…';
  // devenv's own names for a built image: the shared one's content tag devenv/<project>-<service>:<hash>
  // (hash shortened), the stack's reference devenv/<stack>/<service>:latest (devenv-<stack>-<service>:latest before).
  const content = /^devenv\/([^/:]+):([0-9a-f]{16})$/.exec(image);
  if (content) return `build ${content[1]}:${content[2]!.slice(0, 8)}`;
  if (stack && image.startsWith(`devenv/${stack}/`)) return `build ${image.slice(`devenv/${stack}/`.length)}`;
  if (stack && image.startsWith(`devenv-${stack}-`)) return `build ${image.slice(`devenv-${stack}-`.length)}`;
  // Only a registry host is dropped (ghcr.io/org/app -> org/app): devenv-test/postgres:15 must never read as postgres:15.
  const [first, ...rest] = image.split('/');
  return rest.length > 0 && first !== undefined && /[.:]|^localhost$/.test(first) ? rest.join('/') : image;
}

function imageCell(row: ServiceRow, transfer: Transfer | undefined, stack: string | undefined): string {
  if (row.imageState === 'building' || transfer?.kind === 'build')
    return transfer?.step ? `building ${transfer.step.current}/${transfer.step.total}` : 'building…';
  if (row.imageState === 'built') return `built ✔ ${shortImage(row.image, stack).replace(/^build /, '')}`;
  if (row.imageState === 'pulling') return `pulling ${shortImage(row.image, stack)}`;
  return shortImage(row.image, stack);
}

function healthCell(row: ServiceRow, frame: number): { text: string; color?: string } {
  switch (row.phase) {
    case 'ready':
      return {
        text: `✔ ${row.health === 'healthy' ? 'healthy' : 'ready'} ${row.readyMs !== undefined ? formatDuration(row.readyMs) : ''}`,
        color: row.health === 'unhealthy' ? 'red' : 'green',
      };
    case 'failed':
      return { text: '✖ failed', color: 'red' };
    case 'starting':
    case 'created':
    case 'pulling':
    case 'building':
      return {
        text: `${spinnerFrame(frame)} ${row.health && row.health !== 'none' ? row.health : 'starting'}`,
        color: 'yellow',
      };
    case 'stopped':
    case 'removed':
      return { text: '■', color: 'gray' };
    case 'pending':
      return { text: '·', color: 'gray' };
  }
}

const TASK_TONE: Record<TaskTone, string> = {
  running: 'green',
  starting: 'yellow',
  failed: 'red',
  other: '',
};

/** Under a service's row: its tasks, each with its node and state (task-rows.ts). */
function taskLines(row: ServiceRow, tone: (color: string) => string | undefined): ReactNode[] {
  const rows = taskRows(row);
  const countWidth = Math.max(0, ...rows.map((r) => (r.kind === 'more' ? 0 : (r.count?.length ?? 0)))) + 8;
  const nameWidth = Math.max(0, ...rows.map((r) => (r.kind === 'task' ? r.name.length : 0))) + 2;
  const nodeWidth = Math.max(0, ...rows.map((r) => (r.kind === 'task' ? r.node.length : 0))) + 2;
  return rows.map((r, index) => {
    const key = `${row.name}-task-${index}`;
    if (r.kind === 'more')
      return (
        <Text key={key} dimColor wrap="truncate">
          {`    ${' '.repeat(countWidth)}… ${r.hidden} more`}
        </Text>
      );
    const count = r.count !== undefined ? `tasks ${r.count}` : '';
    if (r.kind === 'none')
      return (
        <Text key={key} dimColor wrap="truncate">
          {`    ${fit(count, countWidth)}none placed yet`}
        </Text>
      );
    return (
      <Text key={key} wrap="truncate">
        <Text dimColor>{`    ${fit(count, countWidth)}`}</Text>
        <Text>{fit(r.name, nameWidth)}</Text>
        <Text>{fit(r.node, nodeWidth)}</Text>
        <Text color={tone(TASK_TONE[r.tone])}>{r.state}</Text>
        {r.error !== undefined ? <Text color={tone('red')}>{` — ${r.error}`}</Text> : null}
      </Text>
    );
  });
}

export function ServicesTable(props: ServicesTableProps) {
  const { services, transfers, stack, selected, now, frame, width, height } = props;
  const tone = useTone();
  const c = columnsFor(width, services);
  const lines: ReactNode[] = [
    <Text key="head" dimColor wrap="truncate">
      {'  '}
      {fit('SERVICE', c.name)}
      {fit('IMAGE', c.image)}
      {fit('STATE', c.state)}
      {fit('HEALTH', c.health)}
      {fit('PORTS', c.ports)}
      {fit('UPTIME', c.uptime)}
      {fit('RST', c.restarts)}
    </Text>,
  ];
  if (services.length === 0)
    lines.push(
      <Text key="none" dimColor>
        {'  resolving the template…'}
      </Text>,
    );
  services.forEach((row, index) => {
    const isSelected = index === selected;
    const failed = row.phase === 'failed';
    const health = healthCell(row, frame);
    const transfer = transfers.find((t) => t.service === row.name);
    const running = row.phase === 'ready' || row.phase === 'starting';
    lines.push(
      <Text key={row.name} wrap="truncate">
        <Text bold={isSelected}>{isSelected ? '› ' : '  '}</Text>
        <Text inverse={isSelected} bold={isSelected || failed} color={tone(failed ? 'red' : '')}>
          {fit(row.name, c.name)}
        </Text>
        <Text>{fit(imageCell(row, transfer, stack), c.image)}</Text>
        <Text bold={failed} color={tone(failed ? 'red' : row.phase === 'ready' ? 'green' : '')}>
          {fit(STATE_LABEL[row.phase], c.state)}
        </Text>
        <Text color={health.color ? tone(health.color) : undefined}>{fit(health.text, c.health)}</Text>
        <Text>{fit(formatPortArrows(row.ports) || '-', c.ports)}</Text>
        <Text>
          {fit(running && row.startedAt !== undefined ? formatUptime(now - row.startedAt) : '-', c.uptime)}
        </Text>
        <Text color={tone(row.restarts > 0 ? 'yellow' : '')}>{fit(String(row.restarts), c.restarts)}</Text>
      </Text>,
    );
    if (row.url !== undefined && !failed)
      lines.push(
        <Text key={`${row.name}-url`} color={tone('cyan')} wrap="truncate">
          {'    ↳ '}
          {row.url}
        </Text>,
      );
    if (!failed && row.lastExit !== undefined && row.restarts > 0)
      lines.push(
        <Text key={`${row.name}-restarted`} color={tone('yellow')} wrap="truncate">
          {'    ↻ '}
          {`restarted ${row.restarts}×, last run ${row.lastExit}`}
        </Text>,
      );
    lines.push(...taskLines(row, tone));
    if (failed && row.failure)
      lines.push(
        <Text key={`${row.name}-why`} color={tone('red')} wrap="truncate">
          {'    ↳ '}
          {row.failure.reason}
          {row.failure.logTail.length > 0 ? ` — ${row.failure.logTail[row.failure.logTail.length - 1]}` : ''}
        </Text>,
      );
  });
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines.slice(0, height)}
    </Box>
  );
}

/** Image pulls (layers, bytes) and builds (steps) while they run; gone once the image is ready. */
import { Box, Text } from 'ink';
import type { Transfer } from '../dashboard-state.js';
import { serviceColor, spinnerFrame, useTone } from '../theme.js';
import { formatBytes } from '../units.js';

export interface ProgressBarsProps {
  transfers: readonly Transfer[];
  frame: number;
  width: number;
  height: number;
}

export function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

const DONE = /complete|already exists/i;

export function transferSummary(transfer: Transfer): { fraction?: number; text: string } {
  if (transfer.kind === 'build') {
    const step = transfer.step;
    return {
      ...(step ? { fraction: step.current / step.total } : {}),
      text: `${step ? `step ${step.current}/${step.total} ` : ''}${transfer.status}`,
    };
  }
  const layers = Object.values(transfer.layers);
  const done = layers.filter((layer) => DONE.test(layer.status)).length;
  const sized = layers.filter((layer) => layer.total !== undefined && layer.total > 0);
  const total = sized.reduce((sum, layer) => sum + (layer.total ?? 0), 0);
  const current = sized.reduce(
    (sum, layer) => sum + (DONE.test(layer.status) ? (layer.total ?? 0) : (layer.current ?? 0)),
    0,
  );
  const fraction = layers.length ? (total > 0 ? current / total : done / layers.length) : undefined;
  const bytes = total > 0 ? `  ${formatBytes(current)}/${formatBytes(total)}` : '';
  return {
    ...(fraction !== undefined ? { fraction } : {}),
    text: `${done}/${layers.length} layers${bytes}`,
  };
}

export function ProgressBars({ transfers, frame, width, height }: ProgressBarsProps) {
  const tone = useTone();
  if (height <= 0 || transfers.length === 0) return null;
  const barWidth = Math.max(10, Math.min(30, Math.floor(width / 5)));
  return (
    <Box flexDirection="column" width={width} height={height}>
      {transfers.slice(0, height).map((transfer) => {
        const summary = transferSummary(transfer);
        return (
          <Text key={`${transfer.service}-${transfer.kind}`} wrap="truncate">
            <Text color={tone('yellow')}>{spinnerFrame(frame)} </Text>
            <Text color={tone(serviceColor(transfer.service))}>{transfer.service}</Text>
            {` ${transfer.kind === 'pull' ? 'pulling' : 'building'} ${transfer.image} `}
            <Text color={tone('cyan')}>{bar(summary.fraction ?? 0, barWidth)}</Text> {summary.text}
          </Text>
        );
      })}
    </Box>
  );
}

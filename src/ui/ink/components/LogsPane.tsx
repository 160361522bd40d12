/**
 * The logs pane: all services interleaved with a coloured prefix, or one
 * service; follows the tail unless scrolled up; filtered by a search (`/`).
 * Reads only the lines it shows from the LogBuffer.
 */
import { Box, Text } from 'ink';
import type { LogBuffer, LogEntry } from '../log-buffer.js';
import { serviceColor, useTone } from '../theme.js';

export interface LogsPaneProps {
  logs: LogBuffer;
  /** Changes whenever lines were pushed (re-renders the pane). */
  version: number;
  services: readonly string[];
  service?: string;
  search: string;
  scroll: number;
  width: number;
  /** Including the title line. */
  height: number;
}

function Highlighted({ text, search }: { text: string; search: string }) {
  if (!search) return <Text>{text}</Text>;
  const at = text.toLowerCase().indexOf(search.toLowerCase());
  if (at < 0) return <Text>{text}</Text>;
  return (
    <Text>
      {text.slice(0, at)}
      <Text inverse>{text.slice(at, at + search.length)}</Text>
      {text.slice(at + search.length)}
    </Text>
  );
}

export function LogsPane({ logs, services, service, search, scroll, width, height }: LogsPaneProps) {
  const tone = useTone();
  const rows = Math.max(1, height - 1);
  const query = { ...(service !== undefined ? { service } : {}), ...(search ? { search } : {}) };
  const first = logs.window(query, rows, 0);
  const maxScroll = Math.max(0, first.matched - rows);
  const skip = Math.min(scroll, maxScroll);
  const { lines, matched } = skip === 0 ? first : logs.window(query, rows, skip);
  const prefixWidth = service !== undefined ? 0 : Math.max(4, ...services.map((s) => s.length));
  const title = [
    `logs: ${service ?? 'all services'}`,
    search ? `search "${search}" (${matched} lines)` : '',
    skip > 0 ? `${skip} lines up — G follows` : 'following',
    logs.pushed > logs.size ? `last ${logs.size} kept` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const textWidth = Math.max(1, width - (prefixWidth > 0 ? prefixWidth + 3 : 0));
  // Keyed by row, not by line: as the tail moves, each row's Text (and its
  // layout node) is kept and only its text changes, instead of a mount and an
  // unmount per line per frame.
  const line = (entry: LogEntry, row: number) => (
    <Text key={row} wrap="truncate">
      {prefixWidth > 0 ? (
        <Text color={tone(serviceColor(entry.service))}>{`${entry.service.padEnd(prefixWidth)} | `}</Text>
      ) : null}
      {/* Cut here: cheaper than ink's ANSI-aware truncation of every line on every frame. */}
      <Highlighted text={entry.text.slice(0, textWidth)} search={search} />
    </Text>
  );
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate">
        {'─ '}
        {title} <Text dimColor>{'─'.repeat(Math.max(0, width - title.length - 3))}</Text>
      </Text>
      {lines.length === 0 ? (
        <Text dimColor>{search ? '  no line matches' : '  no log lines yet'}</Text>
      ) : (
        lines.map(line)
      )}
    </Box>
  );
}

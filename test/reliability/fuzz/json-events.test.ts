/**
 * Fuzzing the reading of `--json` event lines (ui/json-event-line.ts): what
 * the JSON renderer writes reads back as the same events, and any other line
 * (byte flips, truncations, renamed keys, swapped types, deep nesting, huge
 * strings, prototype keys) is an event or an EVENT_INVALID naming the line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DevenvEvent } from '../../../src/app/events.js';
import { jsonRenderer } from '../../../src/ui/json-renderer.js';
import { readEventLine, readEventStream, EVENT_TYPES } from '../../../src/ui/json-event-line.js';
import { readyStack } from '../../ui/fixtures.js';
import { fuzzParser, FUZZ_RUNS } from './fuzz-harness.js';
import { trickyString, yamlTree } from './yaml-documents.js';

const STREAM = 'devenv up --json';

const written = (events: DevenvEvent[]): string[] => {
  const lines: string[] = [];
  const render = jsonRenderer(
    (line) => lines.push(line),
    () => [],
  );
  events.forEach(render);
  return lines;
};

const SEED_LINES = written(readyStack);
const KEYS = [
  'type',
  'time',
  'service',
  'line',
  'stream',
  'stack',
  'message',
  'ports',
  'env',
  'warning',
  'steps',
];

/** A seed event with some of its string values replaced by hostile strings (what reads back equal). */
const hostileStrings = fc
  .tuple(fc.nat({ max: SEED_LINES.length - 1 }), fc.array(fc.tuple(fc.nat(), trickyString), { maxLength: 3 }))
  .map(([index, changes]) => {
    const event = JSON.parse(SEED_LINES[index]!) as Record<string, unknown>;
    const strings = Object.keys(event).filter((key) => key !== 'type' && typeof event[key] === 'string');
    for (const [at, value] of changes) if (strings.length > 0) event[strings[at % strings.length]!] = value;
    return JSON.stringify(event);
  });

/** A seed event with some of its values replaced by arbitrary ones (types swapped, strings hostile). */
const mutatedEvent = fc
  .tuple(
    fc.nat({ max: SEED_LINES.length - 1 }),
    fc.array(
      fc.tuple(
        fc.constantFrom(...KEYS),
        fc.oneof(trickyString, yamlTree(KEYS, 3), fc.constantFrom(...EVENT_TYPES)),
      ),
      {
        maxLength: 3,
      },
    ),
  )
  .map(([index, changes]) => {
    const event = JSON.parse(SEED_LINES[index]!) as Record<string, unknown>;
    for (const [key, value] of changes) event[key] = value;
    return JSON.stringify(event);
  });

const byteMutated = fc
  .tuple(
    fc.nat({ max: SEED_LINES.length - 1 }),
    fc.array(
      fc.tuple(fc.constantFrom('flip', 'truncate', 'insert'), fc.nat(), fc.integer({ min: 0, max: 255 })),
      {
        minLength: 1,
        maxLength: 4,
      },
    ),
  )
  .map(([index, ops]) => {
    let bytes = Buffer.from(SEED_LINES[index]!, 'utf8');
    for (const [kind, at, byte] of ops) {
      const where = at % Math.max(bytes.length, 1);
      if (kind === 'flip' && bytes.length > 0) {
        bytes = Buffer.from(bytes);
        bytes[where] = byte;
      } else if (kind === 'truncate') bytes = bytes.subarray(0, where);
      else bytes = Buffer.concat([bytes.subarray(0, where), Buffer.from([byte]), bytes.subarray(where)]);
    }
    return bytes.toString('utf8');
  });

const hostileLine = fc.oneof(
  fc.integer({ min: 1, max: 200_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 1, max: 100_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.integer({ min: 1, max: 100_000 }).map((depth) => `{"type":"log","time":1,"line":${'['.repeat(depth)}`),
  fc
    .integer({ min: 1, max: 5_000_000 })
    .map(
      (length) => `{"type":"log","time":1,"service":"app","stream":"stdout","line":"${'x'.repeat(length)}"}`,
    ),
  fc.constantFrom(
    '{"__proto__":{"type":"log"},"time":1}',
    '{"type":"__proto__","time":1}',
    '{"type":"toString","time":1}',
    '{"type":"constructor","time":1}',
    '{"type":"log","time":1e999}',
    '{"type":"log","time":"1"}',
    '{"type":"log"}',
    'null',
    '[]',
    '"log"',
    '1',
    '',
    '\u0000',
    '{"type":"log","time":1,"line":"\\u001b[2J\\u001b[H"}',
  ),
  fc.string({ maxLength: 100 }),
);

describe('fuzz: --json event lines', () => {
  it('reads back every event the JSON renderer writes', () => {
    fc.assert(
      fc.property(hostileStrings, (line) => {
        // Written again by the renderer (which masks secrets), an event reads back as written.
        const event = readEventLine(line, { file: STREAM, line: 1 });
        const [again] = written([event]);
        expect(readEventStream(`${again}\n`, STREAM)).toEqual([JSON.parse(again!)]);
        expect(event).toEqual(JSON.parse(line));
      }),
      { seed: Number(process.env.FUZZ_SEED ?? 17), numRuns: Math.ceil(FUZZ_RUNS / 10) },
    );
    // The renderer masks secrets (stack.ready's env), so the stream reads back as written.
    expect(readEventStream(SEED_LINES.join('\n'), STREAM)).toEqual(
      SEED_LINES.map((line) => JSON.parse(line)),
    );
    expect(readEventStream(SEED_LINES.join('\n'), STREAM).map((event) => event.type)).toEqual(
      readyStack.map((event) => event.type),
    );
  });

  it('answers every line with an event or an EVENT_INVALID naming the line', () => {
    const stats = fuzzParser(
      {
        name: 'json-events',
        files: [STREAM],
        codes: ['EVENT_INVALID'],
        parse: (line: string) => readEventLine(line, { file: STREAM, line: 7 }),
      },
      fc.oneof(
        { weight: 3, arbitrary: mutatedEvent },
        { weight: 3, arbitrary: byteMutated },
        { weight: 2, arbitrary: hostileLine },
      ),
    );
    expect(stats.runs).toBe(FUZZ_RUNS);
    expect(stats.crashes + stats.hangs).toBe(0);
    expect(stats.accepted).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(0);
  });
});

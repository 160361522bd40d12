/**
 * Seeded random strings for property-style tests (fast-check is not a
 * dependency): the same seed gives the same strings, so a failure repeats.
 * Weighted toward what label values meet: letters, digits, the separators a
 * selector value may or may not hold, path and time punctuation, spaces,
 * non-ASCII, and lengths around the 63-character bound.
 */
const PIECES = [
  ...'abcxyzABCXYZ0189',
  ...'-_.',
  ...'/:@\\ ,+=~#',
  'é',
  'ü',
  '日本',
  '\n',
  '\u0000',
  '--',
  '..',
  'feature/',
];

/** mulberry32: a small, good-enough PRNG. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomStrings(count: number, seed: number): string[] {
  const random = generator(seed);
  const lengths = [0, 1, 2, 5, 20, 54, 62, 63, 64, 70, 200];
  return Array.from({ length: count }, () => {
    const length = lengths[Math.floor(random() * lengths.length)]!;
    let value = '';
    while (value.length < length) value += PIECES[Math.floor(random() * PIECES.length)]!;
    return value.slice(0, length);
  });
}

/**
 * Heap tuning for devenv's long-lived processes (the attached dashboard,
 * `devenv watch`). V8 lets the old generation grow to about twice what
 * survives a full collection before collecting again; under a log flood that
 * means tens of MB of garbage held for nothing. A growing factor of 1.5
 * keeps the dashboard under ~130 MB through a 10k lines/s flood at no
 * measured cost in CPU (bench/tui-resources.mjs). The flag is read at every
 * collection, so setting it now takes effect. V8 prints an error for a flag
 * it does not know, so it is set only on the V8 versions known to have it
 * (Node 20 and 22).
 * (The young generation is sized in bin/devenv's shebang: V8 reads that
 * one only at start.)
 */
import { setFlagsFromString } from 'node:v8';

const V8_MAJORS_WITH_FLAG = new Set([11, 12]);

export function tuneHeapForLongLivedProcess(v8Version: string = process.versions.v8): void {
  if (V8_MAJORS_WITH_FLAG.has(Number(v8Version.split('.')[0])))
    setFlagsFromString('--heap-growing-percent=50');
}

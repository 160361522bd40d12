/** The dashboard's clock: fast while spinners turn, once a second (uptimes) when idle. */
import { useEffect, useState } from 'react';

export function useTicker(intervalMs: number, now: () => number): { now: number; frame: number } {
  const [tick, setTick] = useState(() => ({ now: now(), frame: 0 }));
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => ({ now: now(), frame: t.frame + 1 })), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, now]);
  return tick;
}

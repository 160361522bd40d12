import { describe, expect, it } from 'vitest';
import { ProgressBars, bar } from '../../../src/ui/ink/components/ProgressBars.js';
import { ev, resolved, stateOf } from '../fixtures.js';
import { frameOf } from './render.js';

describe('ProgressBars', () => {
  it('shows a pull by layers and bytes, and a build by steps', () => {
    const state = stateOf([
      resolved,
      ev({
        type: 'image.pulling',
        service: 'redis',
        image: 'redis:7',
        progress: { id: 'a', status: 'Downloading', current: 5_000_000, total: 10_000_000 },
      }),
      ev({
        type: 'image.pulling',
        service: 'redis',
        image: 'redis:7',
        progress: { id: 'b', status: 'Pull complete', current: 0, total: 10_000_000 },
      }),
      ev({
        type: 'image.building',
        service: 'app',
        image: 'app:dev',
        progress: { status: 'Step 2/4 : COPY . .' },
      }),
    ]);
    const lines = frameOf(
      <ProgressBars transfers={state.transfers} frame={1} width={100} height={4} />,
    ).split('\n');
    expect(lines).toEqual([
      `⠙ redis pulling redis:7 ${bar(0.75, 20)} 1/2 layers  15.0 MB/20.0 MB`,
      `⠙ app building app:dev ${bar(0.5, 20)} step 2/4 Step 2/4 : COPY . .`,
    ]);
  });

  it('disappears when nothing transfers', () => {
    expect(frameOf(<ProgressBars transfers={[]} frame={0} width={100} height={0} />)).toBe('');
  });
});

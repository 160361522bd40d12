import { describe, expect, it } from 'vitest';
import { Header } from '../../../src/ui/ink/components/Header.js';
import { initialDashboardState } from '../../../src/ui/ink/dashboard-state.js';
import { readyStack, stateOf } from '../fixtures.js';
import { frameOf } from './render.js';

describe('Header', () => {
  it('shows project, environment, branch, stack, engine and watch on one line when wide', () => {
    const frame = frameOf(<Header state={stateOf(readyStack)} watching={false} width={160} />);
    expect(frame).toBe(
      'devenv project shop · env dev · branch main · stack shop-main-alice-3f2a1c · engine unix:///var/run/docker.sock · watch off',
    );
  });

  it('uses two lines on a narrow terminal, and says watch on', () => {
    const lines = frameOf(<Header state={stateOf(readyStack)} watching width={80} />).split('\n');
    expect(lines).toEqual([
      'devenv project shop · env dev · branch main · watch on',
      '       stack shop-main-alice-3f2a1c · engine unix:///var/run/docker.sock',
    ]);
  });

  it('shows placeholders before the stack is resolved', () => {
    expect(frameOf(<Header state={initialDashboardState()} watching={false} width={160} />)).toContain(
      'project … · env dev',
    );
  });
});

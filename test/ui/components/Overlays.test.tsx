import { describe, expect, it } from 'vitest';
import { ConfirmDialog } from '../../../src/ui/ink/components/ConfirmDialog.js';
import { EnvOverlay } from '../../../src/ui/ink/components/EnvOverlay.js';
import { ErrorBanner } from '../../../src/ui/ink/components/ErrorBanner.js';
import { HELP_KEYS, HelpOverlay } from '../../../src/ui/ink/components/HelpOverlay.js';
import { NoticeLine } from '../../../src/ui/ink/components/NoticeLine.js';
import { readyStack, stateOf } from '../fixtures.js';
import { frameOf } from './render.js';

describe('HelpOverlay', () => {
  it('lists every key', () => {
    const frame = frameOf(<HelpOverlay width={90} height={HELP_KEYS.length + 3} />);
    for (const [keys, what] of HELP_KEYS) expect(frame).toContain(`${keys.padEnd(15)}${what}`);
  });
});

describe('EnvOverlay', () => {
  it('prints the host environment with secrets masked', () => {
    const frame = frameOf(<EnvOverlay env={stateOf(readyStack).env!} width={90} height={10} />);
    expect(frame).toContain('DATABASE_URL=postgresql://user:****@127.0.0.1:49153/myapp_dev');
    expect(frame).toContain('POSTGRES_PASSWORD=****');
    expect(frame).toContain('STRIPE_KEY=****');
    expect(frame).not.toContain('sk_live_visible');
    expect(frame).not.toMatch(/:pass@/);
  });

  it('says when the environment is not known yet', () => {
    expect(frameOf(<EnvOverlay width={90} height={5} />)).toContain('not known until the stack is ready');
  });
});

describe('ConfirmDialog', () => {
  it('asks before removing the stack and its volumes', () => {
    const frame = frameOf(<ConfirmDialog stack="shop-main" width={100} />);
    expect(frame).toContain('Remove stack shop-main with its containers, networks and volumes, then quit?');
    expect(frame).toContain('y yes · any other key: no');
  });
});

describe('ErrorBanner', () => {
  it('shows the message and what to do', () => {
    const frame = frameOf(
      <ErrorBanner
        banner={{
          code: 'PORT_TAKEN',
          message: 'Port 5432 is taken.',
          hint: 'Stop the other server.',
          time: 1,
        }}
        width={80}
      />,
    );
    expect(frame.split('\n')).toEqual(['✖ Port 5432 is taken.', '  → Stop the other server. (x dismisses)']);
  });
});

describe('NoticeLine', () => {
  it('shows the latest note or warning', () => {
    expect(
      frameOf(
        <NoticeLine
          notice={{ level: 'warning', message: 'version is obsolete', time: Date.UTC(2026, 0, 1) }}
          width={80}
        />,
      ),
    ).toMatch(/^\d\d:\d\d:\d\d warning version is obsolete$/);
  });
});

import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { INIT_TEMPLATES } from '../../../src/core/scaffold/template-catalog.js';
import { InitPrompts, type InitAnswers } from '../../../src/ui/ink/init/InitPrompts.js';

const defaults: InitAnswers = { name: 'my-dir', template: 'node-postgres-redis', git: true };
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

function prompts(ask = { name: true, template: true, git: true }) {
  const done: InitAnswers[] = [];
  let cancelled = false;
  const instance = render(
    <InitPrompts
      templates={INIT_TEMPLATES}
      defaults={defaults}
      ask={ask}
      onDone={(answers) => done.push(answers)}
      onCancel={() => (cancelled = true)}
    />,
  );
  return { instance, done, cancelled: () => cancelled };
}

async function type(instance: ReturnType<typeof render>, ...keys: string[]) {
  for (const key of keys) {
    instance.stdin.write(key);
    await tick();
  }
}

describe('devenv init prompts', () => {
  it('asks name, template and git in turn; typed answers win over the defaults', async () => {
    const { instance, done } = prompts();
    await tick();
    expect(instance.lastFrame()).toContain('Project name (my-dir)');
    await type(instance, 's', 'h', 'o', 'p', '\r');
    expect(instance.lastFrame()).toContain('› node-postgres-redis');
    await type(instance, 'j');
    expect(instance.lastFrame()).toContain('› minimal');
    await type(instance, '\r');
    expect(instance.lastFrame()).toContain('Run git init? Y/n');
    await type(instance, 'n');
    await tick();
    expect(done).toEqual([{ name: 'shop', template: 'minimal', git: false }]);
    instance.unmount();
  });

  it('takes the defaults on enter and asks only what the flags left open', async () => {
    const { instance, done } = prompts({ name: true, template: false, git: false });
    await tick();
    await type(instance, '\r');
    expect(done).toEqual([defaults]);
    instance.unmount();
  });

  it('cancels on escape', async () => {
    const { instance, done, cancelled } = prompts();
    await tick();
    await type(instance, '\u001b');
    await tick();
    expect(cancelled()).toBe(true);
    expect(done).toEqual([]);
    instance.unmount();
  });
});

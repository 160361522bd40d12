/** `devenv init`'s lines: its events, and the template list. */
import type { InitEvent } from '../app/init/init-events.js';
import type { InitTemplate } from '../core/scaffold/template-catalog.js';

const ACTIONS = {
  create: 'created',
  overwrite: 'overwrote',
  append: 'added lines to',
  keep: 'kept',
} as const;

export function initEventLines(event: InitEvent): string[] {
  switch (event.type) {
    case 'init.file':
      return [`${ACTIONS[event.action].padEnd(14)} ${event.path}`];
    case 'init.git':
      if (event.outcome === 'initialized') return ['git init      done'];
      if (event.outcome === 'failed') return [`git init      failed: ${event.reason ?? 'unknown reason'}`];
      return [`git init      skipped (${event.reason ?? 'not asked'})`];
    case 'init.done':
      return [
        `✔ ${event.name}: ${event.written} file(s) written from template ${event.template} in ${event.dir}`,
        'Next:',
        ...event.nextSteps.map((step) => `  ${step}`),
      ];
  }
}

export function templateList(templates: readonly InitTemplate[]): string[] {
  const width = Math.max(...templates.map((template) => template.name.length));
  return templates.map((template) => `${template.name.padEnd(width)}  ${template.summary}`);
}

/** What a detaching attached session says about its stack: true to what the engine says. */
import type { StackRunState } from '../app/stack-run-state.js';

/** "Detached. Stack s keeps running; ..." — true to what the engine says. */
export function detachedMessage(stack: string, state: StackRunState, flag: string): string {
  switch (state.kind) {
    case 'running':
      return `Detached. Stack ${stack} keeps running; stop it with \`devenv down${flag}\`.`;
    case 'partly':
      return `Detached. Stack ${stack} keeps running with ${state.running} of ${state.total} services (\`devenv ls\` shows which); start the others with \`devenv up -d${flag}\`, stop it with \`devenv down${flag}\`.`;
    case 'stopped':
      return `Detached. Stack ${stack} is stopped: none of its services runs. Start it again with \`devenv up -d${flag}\`, or remove it with \`devenv down${flag}\`.`;
    case 'unknown':
      return `Detached. The engine does not answer, so the state of stack ${stack} is unknown; \`devenv ls\` shows it once the engine is back, \`devenv down${flag}\` removes it.`;
  }
}

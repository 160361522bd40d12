/** The events of `devenv init` (part of app/events.ts's stream). */
import type { ScaffoldAction } from '../../core/scaffold/scaffold-plan.js';

export type InitEvent =
  | { type: 'init.file'; path: string; action: ScaffoldAction }
  | {
      type: 'init.git';
      /** `initialized`: git init ran; `skipped`: --no-git or already a repository; `failed`: git said no. */
      outcome: 'initialized' | 'skipped' | 'failed';
      reason?: string;
    }
  | {
      type: 'init.done';
      template: string;
      name: string;
      dir: string;
      /** Files written (created, overwritten or appended to). */
      written: number;
      nextSteps: string[];
    };

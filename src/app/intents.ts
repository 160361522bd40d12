/**
 * What a user interface asks of a running session. The ink UI sends these;
 * app/session handles them with the engine and the test runner.
 */
export type Intent =
  | { type: 'service.restart'; service: string }
  | { type: 'service.rebuild'; service: string }
  | { type: 'tests.runAll' }
  | { type: 'tests.rerunFailed' }
  | { type: 'watch.toggle' }
  | { type: 'stack.down' }
  | { type: 'quit' };

export type IntentHandler = (intent: Intent) => Promise<void>;

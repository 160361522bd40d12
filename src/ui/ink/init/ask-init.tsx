/** Runs the init questions on the terminal; resolves with the answers, or undefined when cancelled. */
import { render } from 'ink';
import { InitPrompts, type InitAnswers, type InitPromptsProps } from './InitPrompts.js';

export function askInitQuestions(
  options: Pick<InitPromptsProps, 'templates' | 'defaults' | 'ask'> & {
    stdout?: NodeJS.WriteStream;
    stdin?: NodeJS.ReadStream;
  },
): Promise<InitAnswers | undefined> {
  return new Promise((resolve) => {
    let answered: InitAnswers | undefined;
    const instance = render(
      <InitPrompts
        templates={options.templates}
        defaults={options.defaults}
        ask={options.ask}
        onDone={(answers) => {
          answered = answers;
          instance.unmount();
        }}
        onCancel={() => instance.unmount()}
      />,
      {
        stdout: options.stdout ?? process.stdout,
        stdin: options.stdin ?? process.stdin,
        exitOnCtrlC: false,
      },
    );
    void instance.waitUntilExit().then(() => resolve(answered));
  });
}

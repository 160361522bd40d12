/** Renders a dashboard component as a user would see it (colours off, fixed width), trailing blanks trimmed. */
import type { ReactElement } from 'react';
import { render } from 'ink-testing-library';
import { ThemeProvider } from '../../../src/ui/ink/theme.js';

export function frameOf(element: ReactElement, color = false): string {
  const instance = render(<ThemeProvider theme={{ color }}>{element}</ThemeProvider>);
  const frame = instance.lastFrame() ?? '';
  instance.unmount();
  // Boxes of a fixed height pad with blank rows; compare what shows.
  return frame
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n+$/, '');
}

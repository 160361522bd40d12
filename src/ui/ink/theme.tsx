/** Colours for the dashboard, off under NO_COLOR (and on or off by FORCE_COLOR), like the plain renderer. */
import { createContext, useContext, type ReactNode } from 'react';

export interface Theme {
  color: boolean;
}

const ThemeContext = createContext<Theme>({ color: true });

export function ThemeProvider({ theme, children }: { theme: Theme; children: ReactNode }) {
  return <ThemeContext.Provider value={theme}>{children}</ThemeContext.Provider>;
}

/** A colour name for ink's `color` prop, or undefined when colours are off. */
export function useTone(): (color: string) => string | undefined {
  const theme = useContext(ThemeContext);
  return (color) => (theme.color && color !== '' ? color : undefined);
}

const SERVICE_COLORS = [
  'cyan',
  'magenta',
  'yellow',
  'green',
  'blue',
  'cyanBright',
  'magentaBright',
  'yellowBright',
  'greenBright',
  'blueBright',
];

/** The same colour for a service everywhere (and the same hash as the plain renderer's). */
export function serviceColor(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return SERVICE_COLORS[hash % SERVICE_COLORS.length]!;
}

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function spinnerFrame(frame: number): string {
  return SPINNER[frame % SPINNER.length]!;
}

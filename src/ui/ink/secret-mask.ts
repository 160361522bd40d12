/** The dashboard's masking: secret-looking names, passwords in URLs, known and declared secret values. */
import { MASK, redactKnownValues, redactValue } from '../../core/redact.js';
import type { ReduceContext } from './dashboard-reducer.js';

export interface SecretSource {
  /** Secret values known so far (they grow once `up` resolved the template). */
  values: () => readonly string[];
  /** Variable names declared secret (devenv.yaml `secrets:`). */
  names?: readonly string[];
}

export function secretMask(source: SecretSource): ReduceContext {
  const declared = new Set(source.names ?? []);
  const maskText = (text: string) => redactKnownValues(text, source.values());
  return {
    maskText,
    maskValue: (name, value) =>
      declared.has(name) && value !== '' ? MASK : maskText(redactValue(name, value)),
  };
}

/** devenv.yaml as the config tests read it: parsed from text, its errors, and the JSON Schema editors use. */
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { parseDevenvConfig } from '../../src/core/config/parse-devenv-config.js';
import type { DevenvConfig } from '../../src/core/config/devenv-config.js';
import { DevenvError } from '../../src/core/errors.js';

const schema = JSON.parse(
  readFileSync(new URL('../../schema/devenv.schema.json', import.meta.url), 'utf8'),
) as object;

/** schema/devenv.schema.json compiled (what an editor checks the file against). */
export const validateDevenvSchema = new Ajv({ allErrors: true }).compile(schema);

/** A devenv.yaml text parsed as /p/devenv.yaml. */
export function parseDevenvText(text: string): DevenvConfig {
  return parseDevenvConfig({ path: '/p/devenv.yaml', file: 'devenv.yaml', text });
}

/** The DevenvError parsing the text throws (fails the test when it parses). */
export function devenvTextError(text: string): DevenvError {
  try {
    parseDevenvText(text);
  } catch (error) {
    if (error instanceof DevenvError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

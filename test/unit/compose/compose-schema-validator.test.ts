/**
 * The precompiled Compose schema validator is what Ajv makes of compose-schema.ts
 * today: after a change to the schema, its patches, the formats or Ajv, this
 * fails until `npm run generate:compose-validator` is run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeSchema } from '../../../src/core/compose/compose-schema.js';
import { composeFormats } from '../../../src/core/compose/compose-schema-formats.js';
// @ts-expect-error a plain ES module of the repository's scripts, without types
import { composeValidatorSource } from '../../../scripts/compose-validator-source.mjs';

describe('the precompiled compose schema validator', () => {
  it('is up to date with the schema and Ajv (else: npm run generate:compose-validator)', () => {
    const generated = readFileSync(
      new URL('../../../src/core/compose/compose-schema-validator.generated.ts', import.meta.url),
      'utf8',
    );
    const fresh = (composeValidatorSource as (schema: unknown, formats: unknown) => string)(
      composeSchema(),
      composeFormats,
    );
    expect(generated === fresh).toBe(true);
  });
});

#!/usr/bin/env node
// Writes src/core/compose/compose-schema-validator.generated.ts from the built
// schema (run `npm run build` first; `npm run generate:compose-validator` does both).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeSchema } from '../dist/core/compose/compose-schema.js';
import { composeFormats } from '../dist/core/compose/compose-schema-formats.js';
import { composeValidatorSource } from './compose-validator-source.mjs';

const target = fileURLToPath(
  new URL('../src/core/compose/compose-schema-validator.generated.ts', import.meta.url),
);
writeFileSync(target, composeValidatorSource(composeSchema(), composeFormats));
console.log(`wrote ${target}`);

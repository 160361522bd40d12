#!/usr/bin/env node
// Loads the built CLI (npm run build) and nothing else.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));

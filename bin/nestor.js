#!/usr/bin/env node
// Runs the bundled CLI (dist/cli, from `npm run build`: a few files load faster than a thousand
// modules), else the compiled modules (dist/src, as the Docker image carries them).
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const bundled = new URL('../dist/cli/entry.js', import.meta.url);
const { run } = await import(existsSync(bundled) ? bundled.href : '../dist/src/main/entry.js');

process.exitCode = await run(process.argv.slice(2));

#!/usr/bin/env node
import { run } from '../dist/src/main/entry.js';

process.exitCode = await run(process.argv.slice(2));

// `nestor` from a bundle of the CLI, as bin/nestor.js runs dist/cli/entry.js.
// Usage: node test/support/nestor-bundle-child.mjs <bundle entry.js> <args...>
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
const { run } = await import(pathToFileURL(entry).href);
process.exitCode = await run(args);

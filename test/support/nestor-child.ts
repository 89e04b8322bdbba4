// The real `nestor` command line from the sources, for tests that run it as a process (on a
// pseudo-terminal, with signals, from a shell's completion): what bin/nestor.js runs from dist.
// Usage: node --import tsx test/support/nestor-child.ts <args...>
import { run } from '../../src/main/entry.js';

process.exitCode = await run(process.argv.slice(2));

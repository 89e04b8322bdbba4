// The real `nestor` command line from the sources, for tests that run it as a process (on a
// pseudo-terminal, with signals): node --import tsx test/support/nestor-child.ts <args...>
import { main } from '../../src/main/cli.js';

process.exitCode = await main(process.argv.slice(2));

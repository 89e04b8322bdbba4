// `bin/nestor.js` run from the sources (bin/ runs the compiled dist/): the same main(), so tests
// start the real composition roots of `nestor bot` and `nestor worker` as child processes.
// Usage: node --import tsx test/support/nestor-bin.ts <command> [args...]
import { main } from '../../src/main/cli.js';

process.exitCode = await main(process.argv.slice(2));

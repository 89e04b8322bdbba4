// `node --import ./record-loads.mjs ...`: appends the URL or path of every module the process
// loads, ES modules and CommonJS alike, to the file named by $NESTOR_RECORD_LOADS (tests of
// what a command loads).
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import process from 'node:process';

const file = process.env.NESTOR_RECORD_LOADS;
if (file) {
  register('./record-loads-hooks.mjs', { parentURL: import.meta.url, data: { file } });
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    try {
      appendFileSync(file, `${Module._resolveFilename(request, parent, isMain)}\n`);
    } catch {
      // a request that does not resolve fails in the real load below
    }
    return load.apply(this, arguments);
  };
}

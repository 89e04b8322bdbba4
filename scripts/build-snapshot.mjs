// Builds the CLI's V8 startup snapshot into dist/cli/ (or the folder given as argument, beside
// the bundle of scripts/bundle-cli.mjs): src/main/snapshot-entry.ts bundled as one CommonJS file
// (a snapshot's script may require Node's own modules only), `node --build-snapshot` on it, and
// nestor.blob.node, the node binary and the folder it was built for, then the V8 flags it was
// built with (bin/nestor starts node with them). bin/nestor runs the blob only when both match, else the bundle: a blob loads in that node binary only, and the paths it
// holds (the templates, node_modules) are those of the build.
import { spawnSync } from 'node:child_process';
import { realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readFile, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';
import process from 'node:process';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';
import { englishOnly, externals } from './cli-bundle-options.mjs';

const root = realpathSync(fileURLToPath(new URL('..', import.meta.url)));
const outdir = realpathSync(process.argv[2] ?? `${root}/dist/cli`);
/** The package whose bin/nestor runs this dist/cli. */
const packageRoot = realpathSync(`${outdir}/../..`);
const script = `${outdir}/snapshot.cjs`;
const blob = `${outdir}/nestor.blob`;

/** The packages left outside are required when first used, at run time, from node_modules. */
const requiredAtRun = {
  name: 'required-at-run',
  setup(b) {
    const filter = new RegExp(`^(${externals.map((e) => e.replace(/[.*/]/g, (c) => (c === '*' ? '[^/]+' : `\\${c}`))).join('|')})(/.*)?$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'required-at-run' }));
    b.onLoad({ filter: /.*/, namespace: 'required-at-run' }, (args) => ({
      contents: `module.exports = globalThis.__nestorRequire(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * Rewrites a module's text for the snapshot bundle; each rewrite must apply (a source that moved
 * on would otherwise leave a require to run at build time).
 */
function rewrite(name, filter, edits) {
  return {
    name,
    setup(b) {
      b.onLoad({ filter }, async (args) => {
        let text = await readFile(args.path, 'utf8');
        for (const [from, to] of edits) {
          if (!text.includes(from)) throw new Error(`${name}: "${from}" not found in ${args.path}`);
          text = text.replaceAll(from, to);
        }
        return { contents: text, loader: 'ts' };
      });
    },
  };
}

/** The generated validators' `createRequire(import.meta.url)`: the bundle carries what they require. */
const bundledValidatorRequires = rewrite('bundled-validator-requires', /-validators\.ts$/, [['const require = createRequire(import.meta.url);', '']]);

/**
 * The prometheus-operator models, required on first use by validate-object.ts, are bundled too,
 * with their RE2 patterns made on first use (bundle-shims/re2-on-first-use.mjs).
 */
const bundledModels = rewrite('bundled-models', /validate-object\.ts$/, [["load('@kubernetes-models/prometheus-operator/", "require('@kubernetes-models/prometheus-operator/"]]);
const re2OnFirstUse = {
  name: 're2-on-first-use',
  setup(b) {
    b.onResolve({ filter: /^@kubernetes-models\/validate\/runtime\/re2$/ }, () => ({ path: fileURLToPath(new URL('bundle-shims/re2-on-first-use.mjs', import.meta.url)) }));
  },
};

/** fastest-levenshtein required on first use (bundle-shims/levenshtein-on-first-use.mjs says why). */
const levenshteinOnFirstUse = {
  name: 'levenshtein-on-first-use',
  setup(b) {
    b.onResolve({ filter: /^fastest-levenshtein$/ }, () => ({ path: fileURLToPath(new URL('bundle-shims/levenshtein-on-first-use.mjs', import.meta.url)) }));
  },
};

/**
 * TypeBox's CommonJS build instead of its ES modules. Only commands that need the schema objects
 * (the API's routes, the job schema) evaluate TypeBox, but esbuild hoists an ES module's functions
 * to the script's top scope, so each is a closure and a context slot in the snapshot that every
 * start deserializes (~750 of them), where a CommonJS module's stay inside its wrapper until it is
 * required (render -1.2%, envs -1.4% of instructions).
 */
const typeboxCommonJs = {
  name: 'typebox-commonjs',
  setup(b) {
    const path = createRequire(import.meta.url).resolve('@sinclair/typebox');
    b.onResolve({ filter: /^@sinclair\/typebox$/ }, () => ({ path }));
  },
};

rmSync(blob, { force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/main/snapshot-entry.ts'],
  outfile: script,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  plugins: [englishOnly, re2OnFirstUse, levenshteinOnFirstUse, typeboxCommonJs, requiredAtRun, bundledValidatorRequires, bundledModels],
  // The script's text and its functions' scopes live in the snapshot's heap: a smaller one is a
  // smaller blob and a faster start (short local names: -7% of `nestor help`'s instructions);
  // keepNames keeps classes' names (see classNamesOnly below).
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  keepNames: true,
  define: { 'import.meta.url': '__nestorMetaUrl' },
  banner: { js: `var __nestorMetaUrl = ${JSON.stringify(pathToFileURL(`${outdir}/entry.js`).href)};` },
});

/**
 * keepNames names every function and class again after minifying (`H(fn, "name")`), and V8 turns
 * each function so named into a dictionary-mode object: 1.2 MB of the heap, 4% of a render's
 * instructions. Classes keep their names (cron-parser's and commander's messages are made of
 * them; esbuild names a class in a static block of its own, `static{H(this,"Name")}`); functions
 * keep their minified ones, in the snapshot's stack traces too (`--debug`; bin/nestor.js keeps
 * every name).
 */
function classNamesOnly(script) {
  const helper = /var ([\w$]+)=\(r,e\)=>([\w$]+)\(r,"name",\{value:e,configurable:!0\}\);/g;
  const found = [...script.matchAll(helper)];
  if (found.length !== 1) throw new Error(`classNamesOnly: esbuild's keepNames helper found ${found.length} times in the snapshot's script`);
  const [definition, name, defineProperty] = found[0];
  const inClass = `static{${name}(this,`;
  if (!script.includes(inClass)) throw new Error(`classNamesOnly: no class named by "${inClass}" in the snapshot's script`);
  return script
    .replace(definition, `var ${name}=r=>r,__nestorClassName=(r,e)=>${defineProperty}(r,"name",{value:e,configurable:!0});`)
    .replaceAll(inClass, 'static{__nestorClassName(this,');
}
await writeFile(script, classNamesOnly(await readFile(script, 'latin1')), 'latin1');

// V8 keeps the script's text in the heap, as one-byte characters only if every one of them is
// ASCII: a single other character (esbuild escapes them, except in regular expressions and tagged
// templates) doubles those 4 MB in the blob, which a start reads, checks and copies.
const text = await readFile(script, 'latin1');
const wide = text.match(/.{0,60}[\x80-\xff].{0,20}/g);
if (wide) {
  rmSync(script);
  throw new Error(`the snapshot's script must be ASCII; write these characters as escapes or HTML entities in the sources:\n${wide.join('\n')}`);
}

// The V8 flags of the blob, written beside it for bin/nestor (a blob loads only with the flags it
// was built with). --no-rehash-snapshot: a start keeps the hash seed drawn when this blob was built instead
// of rehashing every table of the heap with a new one (-14% of `nestor help`'s instructions); the
// seed is still random, drawn once per build on the machine that runs it, and what it guards
// against (inputs crafted to collide in V8's hash tables) would only slow down that user's own
// command. --interrupt-budget 8× V8's: a function is optimized by TurboFan after 8× more work, so
// a command of a few hundred milliseconds no longer spends a fifth of its CPU compiling code it
// is about to stop running (render -22%, validate -33% of instructions); a long one (validate of
// 130 apps × 25 environments, 3 s) is not slower. --min-semi-space-size 8 MB (V8 starts the young
// generation at 1 MB and grows it as it goes): a short command runs fewer scavenges (render -2.4%,
// envs -1.4% of instructions, 1.6 MB more peak memory); a long process would grow it anyway.
// --interrupt-budget-factor-for-feedback-allocation 64 (V8's is 8): the snapshot keeps bytecode but
// no feedback vectors, so every function a start runs used to get one (and its inline caches, then
// Sparkplug code) after running 8× its bytecode's size; at 64× only those a command runs often do
// (render -5.6%, envs -1.6% of instructions; 32×: -4.5%, 128×: no better). With it,
// --no-baseline-batch-compilation: Sparkplug compiles a function when it is due instead of
// collecting a batch first (render -0.6%, envs -0.6%). A long process is not slower (validate of
// 130 apps × 25 environments, interleaved).
const V8_FLAGS = ['--no-rehash-snapshot', '--interrupt-budget=540672', '--min-semi-space-size=8', '--interrupt-budget-factor-for-feedback-allocation=64', '--no-baseline-batch-compilation'];
const built = spawnSync(process.execPath, [...V8_FLAGS, '--snapshot-blob', blob, '--build-snapshot', script], { cwd: outdir, encoding: 'utf8' });
rmSync(script);
// Node warns of the built-in modules it has not verified in snapshots (node:module, node:child_process,
// node:readline/promises): the snapshot holds them loaded, and the commands use them only once started.
const unverified = /^\(node:\d+\) Warning: It's not yet fully verified whether built-in module "[^"]+" works in user snapshot builder scripts\.\n(?:(?!\(node:).*\n)*/gm;
process.stderr.write(built.stderr.replace(unverified, ''));
if (built.status !== 0) {
  rmSync(blob, { force: true });
  throw new Error(`node --build-snapshot failed (exit ${built.status ?? built.signal})`);
}
const node = statSync(process.execPath);
// bin/nestor composes the first line from its own package folder and `stat -L -c '%s %Y %i'` of
// the node on the PATH, and starts node with the flags of the second; the third is for the reader.
writeFileSync(`${blob}.node`, `${packageRoot} ${node.size} ${Math.floor(node.mtimeMs / 1000)} ${node.ino}\n${V8_FLAGS.join(' ')}\n${process.version} ${process.execPath}\n`);

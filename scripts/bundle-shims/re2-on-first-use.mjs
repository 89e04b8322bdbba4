// @kubernetes-models/validate/runtime/re2 as the CLI's startup snapshot carries it: the
// prometheus-operator schemas make their RE2 patterns when they load, and re2-wasm's WebAssembly
// cannot live in a snapshot (nor should every render pay for it: most objects never reach those
// fields). Each pattern is made by re2-wasm, from node_modules, the first time it is tested.
export default class RE2OnFirstUse {
  #args;
  #re;
  constructor(...args) {
    this.#args = args;
  }
  test(text) {
    this.#re ??= new (globalThis.__nestorRequire('re2-wasm').RE2)(...this.#args);
    return this.#re.test(text);
  }
}

// fastest-levenshtein as the CLI's startup snapshot carries it: the package makes a 256 KB table
// when it is evaluated, which the blob would hold and every start read and checksum, for the
// did-you-mean of an error message. It is required from node_modules when one is first asked for.
let real;
const load = () => (real ??= globalThis.__nestorRequire('fastest-levenshtein'));
export const distance = (a, b) => load().distance(a, b);
export const closest = (str, arr) => load().closest(str, arr);

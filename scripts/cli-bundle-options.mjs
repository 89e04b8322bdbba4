// What the CLI bundle (scripts/bundle-cli.mjs) and the CLI's startup snapshot
// (scripts/build-snapshot.mjs) share.
import { fileURLToPath, URL } from 'node:url';

/**
 * Packages left outside: the process and release runtime (Slack, BullMQ, Redis, pino, git, the
 * Kubernetes client, Fastify), imported from node_modules only by the commands that use them
 * (pino's worker threads and BullMQ's optional native code could not be bundled anyway), re2-wasm
 * (the pattern engine of the prometheus-operator models), which reads its .wasm file beside its
 * own module, Bull Board, which serves its UI's files from its own package folder, and the AWS SDK
 * (S3 snapshot stores), imported only once a config names an s3:// location.
 */
export const externals = ['@kubernetes/client-node', '@slack/*', 'bullmq', 'ioredis', 'pino', 'pino-*', 'simple-git', 'octokit', '@octokit/*', 'fastify', '@fastify/*', 're2-wasm', '@bull-board/*', '@aws-sdk/*'];

/** `ajv-i18n` itself (not its subpaths) is the shim that holds its English messages only. */
export const englishOnly = {
  name: 'ajv-i18n-english',
  setup(b) {
    b.onResolve({ filter: /^ajv-i18n$/ }, () => ({ path: fileURLToPath(new URL('bundle-shims/ajv-i18n-en.mjs', import.meta.url)) }));
  },
};

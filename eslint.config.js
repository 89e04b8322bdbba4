import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.scratch/**', '.nestor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error',
        { object: 'it', property: 'only' }, { object: 'it', property: 'skip' },
        { object: 'describe', property: 'only' }, { object: 'describe', property: 'skip' },
        { object: 'test', property: 'only' }, { object: 'test', property: 'skip' }],
    },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // The test and demo kit stays out of the production image: only its own composition roots use it.
    files: ['src/**/*.ts'],
    ignores: ['src/testkit/**', 'src/core/**', 'src/main/shell.ts', 'src/main/kube-sim.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/testkit/**'], message: 'src/testkit (fakes, simulator, demo world) is not in the production image.' },
      ] }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@slack/*', 'bullmq', 'ioredis', 'simple-git', 'octokit', 'prom-client', 'pino', 'node:child_process', 'node:http', 'node:https', 'node:net', '**/adapters/**', '**/main/**', '**/testkit/**'],
          message: 'src/core is pure: adapters and processes are injected through ports.' },
        // Its field tables come from src/core/render/kube-fields.ts: importing the client takes over a second.
        { group: ['@kubernetes/client-node', '@kubernetes/client-node/**'],
          message: 'src/core is pure, and loading the Kubernetes client costs the CLI over a second: see kube-fields.ts.' },
      ] }],
    },
  },
);

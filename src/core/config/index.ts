export type { ConfigFile, ParsedFile } from './config-file.js';
export { loadConfigTree, ancestry, appsOf, isDnsLabel, type ConfigTree, type EnvironmentNode } from './config-tree.js';
export { appConfig, layersOf, originsOf, checkMerged, validateTree, assertValid, type AppConfig } from './app-config.js';
export { mergeLayers, pathKey, type Origins } from './merge.js';
export { resolveReferences, type Environment } from './resolve-references.js';
export { positionOf } from './positions.js';
export { cronProblem } from './cron.js';
export * from './schema.js';

// The renderer's public surface.
export { renderApp, type RenderRequest } from './render-app.js';
export { renderEnvironment, type EnvironmentRequest, GLOBAL_NAME } from './render-environment.js';
export { renderJob, type JobRequest } from './render-job.js';
export { forgetWrittenScalars, toYaml } from './to-yaml.js';
export { parseProcfile } from './procfile.js';
export { parseCronfile, type CronEntry } from './cronfile.js';
export { TemplateSet } from './template-set.js';
export { GLOBAL_APP, MANAGED_BY, ENVIRONMENT, RELEASE } from './labels.js';
export type { ClusterManifests, KubeObject, TemplateFile, TemplateOrigin } from './types.js';
export { configuredConfig, renderConfiguredApp, type ConfiguredRender, type ConfiguredManifests } from './render-configured-app.js';
export { validateAll, type ValidationReport } from './validate-all.js';

// Points a temp copy of the example nestor-config at a test registry: production's
// `docker.registries` (inherited by every environment) names it, over plain HTTP, with the
// given credentials settings; `docker.build` is kept, changed or removed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RegistrySettings {
  /** `127.0.0.1:<port>` */
  host: string;
  /** Extra keys of the registry entry (username, password, credentials_secret). */
  entry?: Record<string, string>;
  /** The `docker.build` line's value (flow YAML), or null for none. */
  build?: string | null;
}

export function useTestRegistry(configDir: string, settings: RegistrySettings): void {
  const file = join(configDir, 'production', 'project.yaml');
  const extra = Object.entries(settings.entry ?? {}).map(([k, v]) => `, ${k}: ${JSON.stringify(v)}`).join('');
  const build = settings.build === undefined ? '{ variables: { NPM_TOKEN: $NPM_TOKEN } }' : settings.build;
  const docker = [
    'docker:',
    ...(build === null ? [] : [`  build: ${build}`]),
    `  registries: { "${settings.host}": [ { id: test, organization: kapten, insecure: true${extra} } ] }`,
  ].join('\n');
  const text = readFileSync(file, 'utf8').replace(/^docker:\n(?: {2}.*\n)+/m, `${docker}\n`);
  if (!text.includes(settings.host)) throw new Error(`no docker: section replaced in ${file}`);
  writeFileSync(file, text);
}

import { describe, expect, it } from 'vitest';
import { parseChallenge } from '../../../src/adapters/registry/www-authenticate.js';
import { buildJob, gitContext } from '../../../src/core/images/build-job.js';
import { builtinTemplates, mary, SHA } from '../render/configs.js';

describe('gitContext', () => {
  it("gives kaniko's git:// context of any origin form, at the commit", () => {
    expect(gitContext('git@github.com:transcovo/mary.git', SHA)).toBe(`git://github.com/transcovo/mary.git#HEAD#${SHA}`);
    expect(gitContext('https://github.com/transcovo/mary', SHA)).toBe(`git://github.com/transcovo/mary#HEAD#${SHA}`);
    expect(gitContext('ssh://git@git.internal:2222/kapten/mary.git', SHA)).toBe(`git://git.internal:2222/kapten/mary.git#HEAD#${SHA}`);
  });
});

describe('parseChallenge', () => {
  it('reads bearer and basic challenges, quoted or not', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:kapten/mary:pull"')).toEqual({
      scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:kapten/mary:pull' },
    });
    expect(parseChallenge('Basic realm=registry')).toEqual({ scheme: 'basic', params: { realm: 'registry' } });
    expect(parseChallenge('Negotiate abc')).toBeUndefined();
    expect(parseChallenge(null)).toBeUndefined();
  });
});

describe('buildJob', () => {
  const config = () => ({
    ...mary(),
    docker: {
      build: { variables: { NPM_TOKEN: '$NPM_TOKEN', NODE_VERSION: '20' }, builder: 'kaniko:debug', dockerfile: 'docker/Dockerfile.prod' },
      registries: { 'docker.com': [{ id: 'docker', organization: 'kapten', credentials_secret: 'registry-login' }], 'ghcr.io': [{ id: 'gh', organization: 'transcovo' }] },
    },
  });

  it('renders the namespace, the variables Secret and the Job of the builder, values only in the Secret', async () => {
    const build = buildJob({ app: 'mary', env: 'production', config: config(), sha: SHA, templates: await builtinTemplates(), environment: { NPM_TOKEN: 'tok' }, runId: '3f9c2a1-x1' });
    expect(build).toMatchObject({ context: 'kapten_production_eu-w1', namespace: 'production', name: 'mary-build-3f9c2a1-x1' });
    expect(build.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/production', 'Secret/mary-build-3f9c2a1-x1', 'Job/mary-build-3f9c2a1-x1']);
    expect(build.objects[1]?.['data']).toEqual({ NPM_TOKEN: Buffer.from('tok').toString('base64'), NODE_VERSION: Buffer.from('20').toString('base64') });
    const job = build.objects[2]!;
    expect(job.metadata.labels).toMatchObject({ app: 'mary', process: 'build' });
    const pod = (job['spec'] as { activeDeadlineSeconds: number; template: { spec: Record<string, unknown> } });
    expect(pod.activeDeadlineSeconds).toBe(3600);
    const [container] = pod.template.spec['containers'] as Record<string, unknown>[];
    expect(container).toMatchObject({
      image: 'kaniko:debug',
      args: [
        `--context=git://github.com/transcovo/mary.git#HEAD#${SHA}`, '--dockerfile=docker/Dockerfile.prod',
        `--destination=docker.com/kapten/mary:${SHA}`, `--destination=ghcr.io/transcovo/mary:${SHA}`,
        '--build-arg=NODE_VERSION', '--build-arg=NPM_TOKEN',
      ],
      env: [
        { name: 'NODE_VERSION', valueFrom: { secretKeyRef: { name: 'mary-build-3f9c2a1-x1', key: 'NODE_VERSION' } } },
        { name: 'NPM_TOKEN', valueFrom: { secretKeyRef: { name: 'mary-build-3f9c2a1-x1', key: 'NPM_TOKEN' } } },
      ],
      volumeMounts: [{ name: 'registry-credentials', mountPath: '/kaniko/.docker', readOnly: true }],
    });
    expect(container).not.toHaveProperty('command');
    expect(container).not.toHaveProperty('envFrom');
    expect(pod.template.spec['volumes']).toEqual([{ name: 'registry-credentials', secret: { secretName: 'registry-login', items: [{ key: '.dockerconfigjson', path: 'config.json' }] } }]);
    expect(JSON.stringify(job)).not.toContain('tok"');
  });

  it('needs a git origin and every $NAME of the build variables', async () => {
    const base = { app: 'mary', env: 'production', sha: SHA, templates: await builtinTemplates(), runId: 'r1' };
    expect(() => buildJob({ ...base, config: config(), environment: {} })).toThrow("docker.build.variables.NPM_TOKEN: $NPM_TOKEN is not set in Nestor's environment");
    const { git: _git, ...withoutOrigin } = config();
    expect(() => buildJob({ ...base, config: withoutOrigin, environment: { NPM_TOKEN: 'x' } })).toThrow('no git origin for mary (git.origin in its app file)');
  });
});

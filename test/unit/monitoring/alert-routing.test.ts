// Alert routing: project.yaml's monitoring.routing maps teams to Slack receivers; each app gets an
// AlertmanagerConfig routing its alerts to its team's channel, else to the environment's default.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplateSet } from '../../../src/adapters/fs/templates.js';
import { appConfig, loadConfigTree } from '../../../src/core/config/index.js';
import { renderApp } from '../../../src/core/render/render-app.js';
import { toYaml } from '../../../src/core/render/to-yaml.js';
import { BASE_PROJECT, files, problemsOf } from '../../support/config-fixtures.js';
import { expectGolden } from '../../support/golden.js';
import { builtinTemplates, mary, MARY_PROCFILE, SHA } from '../render/configs.js';

const ROUTING = [
  'monitoring:',
  '  routing:',
  '    default: platform',
  '    teams:',
  '      security: { slack: { channel: "#security-alerts", webhook: { secret: alertmanager-slack, key: security } } }',
  '      platform: { slack: { channel: "#platform-alerts", webhook: { secret: alertmanager-slack, key: platform } } }',
];

type Route = { receiver: string; matchers: { name: string; value: string }[] };
type Receiver = { name: string; slackConfigs: { channel: string; apiURL: { name: string; key: string } }[] };
type Spec = { route: Route; receivers: Receiver[] };

async function routingOf(tree: ReturnType<typeof loadConfigTree>, app: string, env: string) {
  const templates = await builtinTemplates();
  const objects = renderApp({ app, env, config: appConfig(tree, app, env).config, templates, version: { sha: SHA }, procfile: 'web: node server.js\n' })
    .flatMap((m) => m.objects);
  const found = objects.find((o) => o.kind === 'AlertmanagerConfig');
  return found && { object: found, spec: found['spec'] as Spec, kinds: objects.map((o) => o.kind) };
}

describe('alert routing (AlertmanagerConfig) of an app', () => {
  it("routes a team's app to its team's channel and an app without a team to the default, the webhook read from a Secret", async () => {
    const tree = loadConfigTree(files({
      'production/project.yaml': [...BASE_PROJECT, ...ROUTING],
      'production/apps/vault.yaml': ['app: vault', 'templateVars: { tplTeam: security }'],
      'production/apps/blog.yaml': ['app: blog'],
    }));
    const vault = await routingOf(tree, 'vault', 'production');
    expect(vault?.kinds.slice(-2)).toEqual(['PrometheusRule', 'AlertmanagerConfig']);
    expect(vault?.object.apiVersion).toBe('monitoring.coreos.com/v1alpha1');
    expect(vault?.object.metadata).toMatchObject({ name: 'vault', namespace: 'production', labels: { app: 'vault', 'app.kubernetes.io/managed-by': 'nestor' } });
    expect(vault?.spec.route).toMatchObject({ receiver: 'team-security', matchers: [{ name: 'app', value: 'vault', matchType: '=' }] });
    expect(vault?.spec.receivers).toEqual([{
      name: 'team-security',
      slackConfigs: [{ channel: '#security-alerts', apiURL: { name: 'alertmanager-slack', key: 'security' }, sendResolved: true }],
    }]);
    const blog = await routingOf(tree, 'blog', 'production');
    expect(blog?.spec.route.receiver).toBe('team-platform');
    expect(blog?.spec.receivers[0]?.slackConfigs[0]?.channel).toBe('#platform-alerts');
  });

  it('renders no routing without monitoring.routing, nor for an app without a team when there is no default', async () => {
    const tree = loadConfigTree(files({
      'production/project.yaml': [...BASE_PROJECT, 'monitoring: {}'],
      'production/apps/blog.yaml': ['app: blog', 'templateVars: { tplTeam: security }'],
      'staging/project.yaml': ['parent: production', 'env: staging', ...ROUTING.filter((l) => !l.includes('default:'))],
      'staging/apps/notes.yaml': ['app: notes'],
    }));
    const production = await routingOf(tree, 'blog', 'production');
    expect(production).toBeUndefined();
    expect((await routingOf(tree, 'blog', 'staging'))?.spec.route.receiver).toBe('team-security');
    expect(await routingOf(tree, 'notes', 'staging')).toBeUndefined();
  });

  it('a child environment changes one team\'s channel and keeps its webhook', async () => {
    const tree = loadConfigTree(files({
      'production/project.yaml': [...BASE_PROJECT, ...ROUTING],
      'production/apps/vault.yaml': ['app: vault', 'templateVars: { tplTeam: security }'],
      'staging/project.yaml': ['parent: production', 'env: staging', 'monitoring: { routing: { teams: { security: { slack: { channel: "#security-staging" } } } } }'],
    }));
    const receiver = (await routingOf(tree, 'vault', 'staging'))?.spec.receivers[0]?.slackConfigs[0];
    expect(receiver).toEqual({ channel: '#security-staging', apiURL: { name: 'alertmanager-slack', key: 'security' }, sendResolved: true });
  });

  it("renders mary's routing in production (golden)", async () => {
    const [manifests] = renderApp({
      app: 'mary', env: 'production', config: { ...mary(), monitoring: { routing: { default: 'platform', teams: {
        security: { slack: { channel: '#security-alerts', webhook: { secret: 'alertmanager-slack', key: 'security' } } },
        platform: { slack: { channel: '#platform-alerts', webhook: { secret: 'alertmanager-slack', key: 'platform' } } },
      } } } },
      templates: await builtinTemplates(), version: { sha: SHA }, procfile: MARY_PROCFILE,
    });
    await expectGolden('mary-production-alertmanager-config.yaml', toYaml(manifests?.objects.filter((o) => o.kind === 'AlertmanagerConfig') ?? []));
  });

  it('an override of alertmanager-config.yaml replaces the routing, and is validated against the AlertmanagerConfig schema', async () => {
    const configDir = await mkdtemp(join(tmpdir(), 'nestor-alert-routing-'));
    try {
      await mkdir(join(configDir, 'templates'));
      const path = join(configDir, 'templates', 'alertmanager-config.yaml');
      const override = (matchType: string) => writeFile(path, [
        'apiVersion: monitoring.coreos.com/v1alpha1',
        'kind: AlertmanagerConfig',
        'metadata: { name: "{{name}}" }',
        'spec:',
        `  route: { receiver: "{{receiver}}", groupWait: 1m, matchers: [ { name: severity, value: critical, matchType: "${matchType}" } ] }`,
        '  receivers: [ { name: "{{receiver}}", slackConfigs: [ { channel: "{{channel}}", apiURL: { name: "{{webhookSecret}}", key: "{{webhookKey}}" } } ] } ]',
        '',
      ].join('\n'));
      const config = { ...mary(), monitoring: { routing: { teams: { security: { slack: { channel: '#sec', webhook: { secret: 's', key: 'k' } } } } } } };
      const render = async () => renderApp({ app: 'mary', env: 'production', config, templates: await loadTemplateSet(configDir), version: { sha: SHA }, procfile: MARY_PROCFILE })
        .flatMap((m) => m.objects).find((o) => o.kind === 'AlertmanagerConfig');
      await override('=');
      expect((await render())?.['spec']).toMatchObject({ route: { receiver: 'team-security', groupWait: '1m' }, receivers: [{ slackConfigs: [{ channel: '#sec' }] }] });
      await override('==');
      await expect(render()).rejects.toThrow(`${path} (override): invalid AlertmanagerConfig "mary": spec.route.matchers[0].matchType: must be equal to one of the allowed values`);
    } finally {
      await rm(configDir, { recursive: true, force: true });
    }
  });

  it('reports a tplTeam not in the routing, an unknown default and a team without webhook with file:line and did-you-mean', () => {
    const tree = files({
      'production/project.yaml': [
        ...BASE_PROJECT,
        'monitoring:',
        '  routing:',
        '    default: platfrom',
        '    teams:',
        '      security: { slack: { channel: "#security-alerts", webhook: { secret: alertmanager-slack, key: security } } }',
        '      platform:',
        '        slack: { channel: "#platform-alerts" }',
      ],
      'production/apps/vault.yaml': ['app: vault', 'templateVars:', '  tplTeam: securty'],
      'production/apps/blog.yaml': ['app: blog', 'templateVars: { tplTeam: marketing }'],
      'staging/project.yaml': ['parent: production', 'env: staging'],
    });
    expect(problemsOf(() => loadConfigTree(tree))).toEqual([
      'production/apps/blog.yaml:2:26: templateVars.tplTeam: unknown team "marketing", not in monitoring.routing.teams: the teams are platform, security',
      'production/apps/vault.yaml:3:12: templateVars.tplTeam: unknown team "securty", not in monitoring.routing.teams (did you mean "security"?)',
      'production/project.yaml:10:14: monitoring.routing.default: unknown team "platfrom", not in monitoring.routing.teams (did you mean "platform"?)',
      'production/project.yaml:13:7: monitoring.routing.teams.platform: team "platform" has no slack.webhook (set it here or in an ancestor\'s project.yaml)',
    ]);
  });

  it('says nothing more than the schema about routing that is not a map', () => {
    const tree = files({
      'production/project.yaml': [...BASE_PROJECT, 'monitoring:', '  routing:', '    teams: [security]'],
      'production/apps/vault.yaml': ['app: vault', 'templateVars: { tplTeam: security }'],
    });
    expect(problemsOf(() => loadConfigTree(tree))).toEqual(['production/project.yaml:10:12: monitoring.routing.teams: expected object, got a list']);
  });

  it('reports a mistyped routing key and a webhook given as a URL with file:line', () => {
    const tree = files({
      'production/project.yaml': [
        ...BASE_PROJECT,
        'monitoring:',
        '  routing:',
        '    defualt: platform',
        '    teams:',
        '      platform: { slack: { channel: "#alerts", webhook: "https://hooks.slack.com/services/T0/B0/x" } }',
      ],
    });
    const problems = problemsOf(() => loadConfigTree(tree));
    expect(problems[0]).toBe('production/project.yaml:10:5: monitoring.routing.defualt: unknown key "defualt" (did you mean "default"?)');
    expect(problems[1]).toBe(
      'production/project.yaml:12:57: monitoring.routing.teams.platform.slack.webhook: a webhook URL is a secret and does not belong in git: name the Secret that holds it ({ secret: NAME, key: KEY })',
    );
    expect(problems.join('\n')).not.toContain('hooks.slack.com');
  });
});

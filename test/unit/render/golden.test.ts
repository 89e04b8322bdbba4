import { describe, expect, it } from 'vitest';
import { expectGolden as golden } from '../../support/golden.js';

const expectGolden = (name: string, actual: string) => golden(`${name}`, actual);
import { renderApp, type RenderRequest } from '../../../src/core/render/render-app.js';
import { toYaml } from '../../../src/core/render/to-yaml.js';
import { builtinTemplates, ledger, mary, MARY_CRONFILE, MARY_PROCFILE, pricing, SHA } from './configs.js';


async function render(req: Omit<RenderRequest, 'templates' | 'version'>): Promise<string> {
  const [manifests, ...rest] = renderApp({ ...req, templates: await builtinTemplates(), version: { sha: SHA } });
  expect(rest).toHaveLength(0);
  return toYaml(manifests?.objects ?? []);
}

describe('golden manifests', () => {
  it('mary: web + worker + two crons (DESIGN.md values)', async () => {
    const yaml = await render({ app: 'mary', env: 'production', config: mary(), procfile: MARY_PROCFILE, cronfile: MARY_CRONFILE });
    await expectGolden('mary-production.yaml', yaml);
  });

  it('ledger: worker-only service', async () => {
    await expectGolden('ledger-production.yaml', await render({ app: 'ledger', env: 'production', config: ledger() }));
  });

  it('pricing: internal API without ingress', async () => {
    await expectGolden('pricing-production.yaml', await render({ app: 'pricing', env: 'production', config: pricing() }));
  });
});

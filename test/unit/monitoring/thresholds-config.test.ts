import { describe, expect, it } from 'vitest';
import { loadConfigTree } from '../../../src/core/config/index.js';
import { ConfigError } from '../../../src/core/errors.js';
import { BASE_PROJECT, files } from '../../support/config-fixtures.js';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.keyPath}: ${p.message}`);
    throw e;
  }
  return [];
}

describe('alert thresholds in templateVars', () => {
  it('accepts ratios and latencies as numbers, numeric strings or durations', () => {
    const tree = files({
      'production/project.yaml': [...BASE_PROJECT, 'monitoring: { status_label: status }'],
      'production/apps/api.yaml': [
        'app: api',
        'templateVars:',
        '  tplCriticity: high',
        '  tplTeam: security',
        '  tplWeb2xxThreshold: "0.99"',
        '  tplWeb50thLatencyThreshold: "0.30"',
        '  tplWeb95thLatencyThreshold: 2s',
      ],
      'production/apps/web.yaml': ['app: web', 'templateVars: { tplWeb2xxThreshold: 1, tplWeb95thLatencyThreshold: 300ms }'],
    });
    expect(problemsOf(() => loadConfigTree(tree))).toEqual([]);
  });

  it('reports a mistyped key, a ratio above 1 and a latency of "fast" with file:line', () => {
    const tree = files({
      'production/project.yaml': [...BASE_PROJECT, 'monitoring:', '  status_labl: status'],
      'production/apps/api.yaml': [
        'app: api',
        'templateVars:',
        '  tplWeb2xxTreshold: "0.99"',
        '  tplWeb50thLatencyThreshold: fast',
        '  tplWeb95thLatencyThreshold: 1.5',
      ],
      'production/apps/web.yaml': ['app: web', 'templateVars: { tplWeb2xxThreshold: "1.5" }'],
    });
    expect(problemsOf(() => loadConfigTree(tree))).toEqual([
      'production/apps/api.yaml:3:3: templateVars.tplWeb2xxTreshold: unknown key "tplWeb2xxTreshold" (did you mean "tplWeb2xxThreshold"?)',
      'production/apps/api.yaml:4:31: templateVars.tplWeb50thLatencyThreshold: expected a latency in seconds (0.3) or a duration (300ms, 2s, 1m), got "fast"',
      'production/apps/web.yaml:2:37: templateVars.tplWeb2xxThreshold: expected a ratio from 0 to 1 such as 0.99, got "1.5"',
      'production/project.yaml:9:3: monitoring.status_labl: unknown key "status_labl" (did you mean "status_label"?)',
    ]);
  });
});

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderConfigSource } from '../../../src/adapters/fs/folder-config-source.js';
import { environmentPolicy, policyFromConfig } from '../../../src/core/commands/environment-policy.js';
import { EXAMPLE_CONFIG_DIR } from '../../support/config-fixtures.js';

describe('environment policy', () => {
  it('merges access and approval from the root down', async () => {
    const { tree } = await new FolderConfigSource(EXAMPLE_CONFIG_DIR).load();
    expect(environmentPolicy(tree, 'production').approval?.approvers).toEqual(['alice', 'carol']);
  });

  it('answers a mistyped environment with "did you mean", and nothing when nothing is close', async () => {
    const { tree } = await new FolderConfigSource(EXAMPLE_CONFIG_DIR).load();
    expect(() => environmentPolicy(tree, 'dev33')).toThrow('unknown environment "dev33"; did you mean "dev3"?');
    expect(() => environmentPolicy(tree, 'prodution')).toThrow('did you mean "production"?');
    expect(() => environmentPolicy(tree, 'qa')).toThrow(/^unknown environment "qa"$/);
  });

  it('policyFromConfig merges once per loaded config and environment, frozen, and sees a change to the folder at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nestor-policy-'));
    try {
      cpSync(EXAMPLE_CONFIG_DIR, dir, { recursive: true });
      const policyOf = policyFromConfig(new FolderConfigSource(dir));
      const first = await policyOf('production');
      expect(first.approval?.approvers).toEqual(['alice', 'carol']);
      expect(await policyOf('production')).toBe(first);
      expect(Object.isFrozen(first.approval?.approvers)).toBe(true);
      expect(await policyOf('staging')).toEqual(environmentPolicy((await new FolderConfigSource(dir).load()).tree, 'staging'));
      await expect(policyOf('dev33')).rejects.toThrow('unknown environment "dev33"');

      const project = join(dir, 'production', 'project.yaml');
      writeFileSync(project, readFileSync(project, 'utf8').replace('approvers: [alice, carol]', 'approvers: [alice, dave]'));
      const changed = await policyOf('production');
      expect(changed.approval?.approvers).toEqual(['alice', 'dave']);
      expect(first.approval?.approvers).toEqual(['alice', 'carol']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

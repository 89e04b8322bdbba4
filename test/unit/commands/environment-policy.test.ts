import { describe, expect, it } from 'vitest';
import { FolderConfigSource } from '../../../src/adapters/fs/folder-config-source.js';
import { environmentPolicy } from '../../../src/core/commands/environment-policy.js';
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
});

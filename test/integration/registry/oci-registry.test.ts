// The OCI registry adapter against a real docker-registry: open, behind htpasswd basic auth, and
// behind a bearer-token stand-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciRegistry } from '../../../src/adapters/registry/oci-registry.js';
import { ErrorCode } from '../../../src/core/errors.js';
import { SecretText } from '../../../src/core/ports/datastores.js';
import { pushImage } from '../../support/registry-push.js';
import { REGISTRY_USER, useRegistry } from '../../support/registry-server.js';
import { startTokenRegistry, type TokenRegistryStandin } from '../../support/registry-token-standin.js';

const SHA = 'a'.repeat(40);
const registry = new OciRegistry({ timeoutMs: 5_000 });

describe('OciRegistry on an open registry', () => {
  const server = useRegistry();
  beforeAll(() => pushImage({ url: server.url, repository: 'kapten/mary', tag: SHA }));

  it('finds a pushed image and not a missing tag or repository', async () => {
    const ref = { registry: server.host, repository: 'kapten/mary', tag: SHA, insecure: true };
    expect(await registry.exists(ref)).toBe(true);
    expect(await registry.exists({ ...ref, tag: 'b'.repeat(40) })).toBe(false);
    expect(await registry.exists({ ...ref, repository: 'kapten/nobody' })).toBe(false);
  });

  it('says which registry it could not reach, as retryable', async () => {
    await expect(registry.exists({ registry: '127.0.0.1:1', repository: 'kapten/mary', tag: SHA, insecure: true }))
      .rejects.toMatchObject({ code: ErrorCode.RegistryUnavailable, retryable: true, message: expect.stringContaining('registry 127.0.0.1:1 could not be reached to check 127.0.0.1:1/kapten/mary:') });
  });
});

describe('OciRegistry with credentials', () => {
  const server = useRegistry({ htpasswd: true });
  const open = useRegistry();
  let tokens: TokenRegistryStandin;
  beforeAll(async () => {
    await pushImage({ url: server.url, repository: 'kapten/mary', tag: SHA, credentials: REGISTRY_USER });
    await pushImage({ url: open.url, repository: 'kapten/mary', tag: SHA });
    tokens = await startTokenRegistry(open.url, REGISTRY_USER);
  });
  afterAll(() => tokens.close());

  it('answers a basic-auth challenge with the configured user', async () => {
    const ref = { registry: server.host, repository: 'kapten/mary', tag: SHA, insecure: true };
    expect(await registry.exists({ ...ref, credentials: REGISTRY_USER })).toBe(true);
    expect(await registry.exists({ ...ref, tag: 'b'.repeat(40), credentials: REGISTRY_USER })).toBe(false);
  });

  it('refuses with one line naming the registry and never the password', async () => {
    const ref = { registry: server.host, repository: 'kapten/mary', tag: SHA, insecure: true };
    const wrong = registry.exists({ ...ref, credentials: { username: 'ci-robot', password: SecretText.of('not-the-password') } });
    await expect(wrong).rejects.toMatchObject({ code: ErrorCode.NotAuthorized, message: `registry ${server.host} refused access to ${server.host}/kapten/mary:${SHA}: HTTP 401 with the configured credentials` });
    await expect(registry.exists(ref)).rejects.toThrow('it asks for a user name and password, and none is configured');
  });

  it('gets a bearer token for the repository from the realm of the challenge', async () => {
    const ref = { registry: tokens.host, repository: 'kapten/mary', tag: SHA, insecure: true, credentials: REGISTRY_USER };
    expect(await registry.exists(ref)).toBe(true);
    expect(await registry.exists({ ...ref, tag: 'c'.repeat(40) })).toBe(false);
    expect(tokens.tokenRequests.at(-1)?.get('scope')).toBe('repository:kapten/mary:pull');
    expect(tokens.tokenRequests.at(-1)?.get('service')).toBe('standin-registry');
    await expect(registry.exists({ ...ref, credentials: { username: 'ci-robot', password: SecretText.of('nope') } }))
      .rejects.toThrow(`registry ${tokens.host} refused access to ${tokens.host}/kapten/mary:${SHA}: its token service refused the configured credentials`);
  });
});

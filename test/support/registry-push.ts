// Pushes a tiny image to a registry over the distribution API, as a build would: a config blob
// and one layer (monolithic uploads), then an OCI manifest under the tag.
import { createHash } from 'node:crypto';
import type { RegistryCredentials } from '../../src/core/ports/image-registry.js';

export interface PushTarget {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `<organization>/<app>` */
  repository: string;
  tag: string;
  credentials?: RegistryCredentials;
}

const digestOf = (body: Buffer) => `sha256:${createHash('sha256').update(body).digest('hex')}`;

export async function pushImage(target: PushTarget): Promise<string> {
  const auth: Record<string, string> = target.credentials
    ? { authorization: `Basic ${Buffer.from(`${target.credentials.username}:${target.credentials.password.reveal()}`).toString('base64')}` }
    : {};
  const upload = async (body: Buffer): Promise<{ digest: string; size: number }> => {
    const start = await fetch(`${target.url}/v2/${target.repository}/blobs/uploads/`, { method: 'POST', headers: auth });
    if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status}`);
    const location = new URL(start.headers.get('location') ?? '', target.url);
    const digest = digestOf(body);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, { method: 'PUT', headers: { ...auth, 'content-type': 'application/octet-stream' }, body });
    if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status}`);
    return { digest, size: body.length };
  };
  const config = await upload(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })));
  const layer = await upload(Buffer.from(`layer of ${target.repository}:${target.tag}`));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
  }));
  const put = await fetch(`${target.url}/v2/${target.repository}/manifests/${target.tag}`, {
    method: 'PUT', headers: { ...auth, 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, body: manifest,
  });
  if (put.status !== 201) throw new Error(`manifest upload: HTTP ${put.status} ${await put.text()}`);
  return digestOf(manifest);
}

// Which images of an app at a commit the registries lack, all asked at once.
import type { MergedConfig } from '../config/schema.js';
import type { ImageRegistry } from '../ports/image-registry.js';
import { appImagesOf, type AppImage } from './app-images.js';
import { credentialsOf, type CredentialSources } from './registry-credentials.js';

export interface ImageCheck {
  images: AppImage[];
  missing: AppImage[];
}

export async function checkImages(
  registry: ImageRegistry, sources: CredentialSources, input: { config: MergedConfig; app: string; env: string; sha: string },
): Promise<ImageCheck> {
  const images = appImagesOf(input.config, input.app, input.sha);
  const found = await Promise.all(images.map(async (image) => {
    const credentials = await credentialsOf(image, input.config, input.env, sources);
    return registry.exists({ ...image.ref, ...(credentials ? { credentials } : {}) });
  }));
  return { images, missing: images.filter((_, i) => !found[i]) };
}

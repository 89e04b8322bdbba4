// Port: one image per code delivery. `ensure` returns once the image of an app at a sha is in
// every registry of its project.yaml: at once when it is there already, after joining a build
// already running for that sha (on any worker), or after starting one. The branch workflow asks
// it on a CI success; a deploy of a sha without its image waits on it.

/** What became of the image of one sha. */
export type ImageBuildOutcome =
  /** In the registries before anything was asked: nothing built. */
  | { state: 'exists'; image: string }
  /** Built by this call, or by a build of the same sha it joined. */
  | { state: 'built'; image: string }
  /** No build configured for the app: nothing built, nothing checked; `reason` says what is missing. */
  | { state: 'not-configured'; reason: string };

export interface ImageBuildOptions {
  /** One line per change of the build's state (`build Job mary-build-1a2b3c4 running`), for progress messages. */
  onProgress?: (line: string) => void;
  /** Stops waiting for the build (the build itself goes on for whoever else waits on it). */
  signal?: AbortSignal;
  /** The environment whose project.yaml names the registries, the build and the cluster it runs on (default: the builder's own). */
  env?: string;
}

export interface ImageBuilds {
  /**
   * The image of `app` at `sha` (a full 40-hex commit sha), built once whoever asks. Errors:
   * a NestorError naming the app and sha: the build failed (its message ends with the end of
   * the build's log), or a registry could not be reached (retryable).
   */
  ensure(app: string, sha: string, options?: ImageBuildOptions): Promise<ImageBuildOutcome>;
}

/** The builds of a Nestor without a builder configured: every image is "not configured". */
export const NO_IMAGE_BUILDS: ImageBuilds = {
  ensure: async (app) => ({ state: 'not-configured', reason: `no image build is configured for ${app}` }),
};

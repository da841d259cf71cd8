/** Bundles `entry` (a path under the server package) into `outfile`, with the checkpoint worker beside it; resolves to `outfile`. */
export function bundleServer(options?: { entry?: string; outfile?: string }): Promise<string>;

/** `npm start`'s command (the root package.json's start script): the node flags before the bundle, and the bundle's path. */
export function npmStartCommand(): { flags: string[]; bundle: string };

/** Bundles `entry` (a path under the server package) into `outfile`, with the checkpoint worker beside it; resolves to `outfile`. */
export function bundleServer(options?: { entry?: string; outfile?: string }): Promise<string>;

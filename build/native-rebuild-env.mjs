// The environment electron-builder's native rebuild (@electron/rebuild → node-gyp) must run in.
// node-gyp lets npm_config_* variables override its command line, and npm exports every setting
// of ~/.npmrc as one: with `nodedir=/usr` there, node-gyp compiles against the system Node's
// headers although @electron/rebuild asked for Electron's, and the app then fails to load the
// addon. So: drop every inherited header override and name Electron's headers explicitly.

/** Where @electron/rebuild fetches Electron's headers by default; the same URL keeps both layers in agreement. */
export const ELECTRON_HEADERS_URL = 'https://www.electronjs.org/headers';

// npm_config_<key> (npm's config) and npm_package_config_node_gyp_<key> (package.json "config",
// which node-gyp ranks higher) for each key that picks the headers or the runtime.
const HEADER_OVERRIDE = /^npm_(config|package_config_node_gyp)_(nodedir|target|runtime|disturl|dist_url|devdir)$/i;

export function nativeRebuildEnv(env, electronVersion) {
  const kept = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => value !== undefined && !HEADER_OVERRIDE.test(key)),
  );
  return {
    ...kept,
    npm_config_runtime: 'electron',
    npm_config_target: electronVersion,
    npm_config_disturl: ELECTRON_HEADERS_URL,
  };
}

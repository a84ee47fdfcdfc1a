// electron-builder configuration: `npx electron-builder --config build/electron-builder.config.cjs`
// after `node scripts/build-renderer.mjs`. The app's entry is dist/electron/main.mjs
// (package.json "main" must point there — left to the lead, package.json is not ours).
module.exports = {
  appId: 'org.parley.desktop',
  productName: 'Parley',
  directories: { output: 'release', buildResources: 'build' },
  files: ['dist/electron/**', 'dist/renderer/**', 'package.json', 'node_modules/**', '!dist/test-host/**'],
  asar: true,
  // Native SQLite must be outside the archive to load.
  asarUnpack: ['node_modules/better-sqlite3-multiple-ciphers/**'],
  afterPack: './build/after-pack.cjs',
  extraMetadata: { main: 'dist/electron/main.mjs' },
  linux: { target: ['AppImage', 'deb'], category: 'Network;InstantMessaging' },
  mac: { hardenedRuntime: true, category: 'public.app-category.social-networking' },
  win: { target: ['nsis'] },
};

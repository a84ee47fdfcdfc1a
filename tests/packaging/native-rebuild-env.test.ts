// The environment scripts/package.mjs gives electron-builder's native rebuild. The last two tests
// run node-gyp's own option parsing (the version @electron/rebuild uses) with @electron/rebuild's
// arguments, once with an npm environment carrying ~/.npmrc's `nodedir=/usr` and once with ours.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ELECTRON_HEADERS_URL, nativeRebuildEnv } from '../../build/native-rebuild-env.mjs';

const root = join(import.meta.dirname, '..', '..');
const ELECTRON = '41.7.1';
const npmEnvironment = {
  PATH: process.env['PATH'],
  HOME: '/home/dev',
  npm_config_nodedir: '/usr',
  npm_config_target: '20.20.2',
  npm_package_config_node_gyp_nodedir: '/opt/node',
  NPM_CONFIG_NODEDIR: '/usr',
  npm_config_fund: 'false',
};

/** node-gyp's options after it parsed @electron/rebuild's command line in `env`. */
function nodeGypOptions(env: Record<string, string | undefined>): Record<string, unknown> {
  const argv = ['node', 'node-gyp', 'rebuild', '--runtime=electron', `--target=${ELECTRON}`, `--dist-url=${ELECTRON_HEADERS_URL}`, '--build-from-source'];
  const script = `const gyp = require('node-gyp')(); gyp.parseArgv(${JSON.stringify(argv)}); console.log(JSON.stringify(gyp.opts));`;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: root, env: env as NodeJS.ProcessEnv, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe('native rebuild environment', () => {
  it('drops every inherited header override, in either spelling', () => {
    const env = nativeRebuildEnv(npmEnvironment, ELECTRON);
    expect(Object.keys(env).filter((key) => /nodedir/i.test(key))).toEqual([]);
  });

  it('names Electron as the runtime, its version and its headers', () => {
    expect(nativeRebuildEnv(npmEnvironment, ELECTRON)).toMatchObject({
      npm_config_runtime: 'electron',
      npm_config_target: ELECTRON,
      npm_config_disturl: ELECTRON_HEADERS_URL,
    });
  });

  it('leaves unrelated settings alone', () => {
    expect(nativeRebuildEnv(npmEnvironment, ELECTRON)).toMatchObject({ HOME: '/home/dev', npm_config_fund: 'false' });
  });

  it('shows the failure it prevents: an inherited nodedir wins over the Electron arguments in node-gyp', () => {
    const options = nodeGypOptions(npmEnvironment);
    expect(options['nodedir']).toBe('/opt/node');
    expect(options['target']).toBe('20.20.2');
  });

  it("lets node-gyp build against Electron's headers once the environment is ours", () => {
    const options = nodeGypOptions(nativeRebuildEnv(npmEnvironment, ELECTRON));
    expect(options['nodedir']).toBeUndefined();
    expect(options).toMatchObject({ runtime: 'electron', target: ELECTRON });
  });
});

'use strict';
// Lets plain `node` run photo-store from its TypeScript sources (the crash test's child process, the bench):
// `.ts` files compile on load with @swc/core and the repository's .swcrc, and `@mirror/<lib>` resolves to
// libs/<lib>/src as in jest. Production runs the compiled dist/ instead.
const fs = require('fs');
const path = require('path');
const Module = require('module');

if (!require.extensions['.ts']) {
  const root = path.resolve(__dirname, '../../../..');
  const swc = require('@swc/core');
  const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
  const options = { ...swcrc, swcrc: false, sourceMaps: 'inline' };

  require.extensions['.ts'] = function compileTs(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    const { code } = swc.transformSync(source, { ...options, filename });
    module._compile(code, filename);
  };

  const resolve = Module._resolveFilename;
  Module._resolveFilename = function resolveMirrorLibs(request, parent, ...rest) {
    const lib = /^@mirror\/([a-z-]+)$/.exec(request);
    if (lib) {
      const src = path.join(root, 'libs', lib[1], 'src', 'index.ts');
      if (fs.existsSync(src)) return src;
    }
    return resolve.call(this, request, parent, ...rest);
  };
}

'use strict';
// Lets plain `node` (benches, worker threads started from jest) run this repository's TypeScript sources:
// `.ts` files are compiled on load with @swc/core using the repository's .swcrc, and `@mirror/<lib>`
// resolves to libs/<lib>/src, as jest does. Production runs the compiled dist/ instead.
const fs = require('fs');
const path = require('path');
const Module = require('module');

if (!require.extensions['.ts']) {
  const root = path.resolve(__dirname, '../..');
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

'use strict';
// Lets plain `node` run this repository's TypeScript (benchmarks, tools in development): `.ts` compiled on load with
// @swc/core (the repository's .swcrc); `@mirror/<lib>` → libs/<lib>/src and `@mirror/wechat-sandbox` →
// tools/wechat-sandbox/src, as jest resolves them; `@mirror/svc-qr-issuer/...` through the workspace link.
const fs = require('fs');
const path = require('path');
const Module = require('module');

if (!require.extensions['.ts']) {
  const root = path.resolve(__dirname, '..');
  const swc = require('@swc/core');
  const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
  const options = { ...swcrc, swcrc: false, sourceMaps: 'inline' };

  require.extensions['.ts'] = function compileTs(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    const { code } = swc.transformSync(source, { ...options, filename });
    module._compile(code, filename);
  };

  const resolve = Module._resolveFilename;
  Module._resolveFilename = function resolveMirror(request, parent, ...rest) {
    const m = /^@mirror\/([a-z-]+)$/.exec(request);
    if (m) {
      for (const dir of ['libs', 'tools']) {
        const src = path.join(root, dir, m[1], 'src', 'index.ts');
        if (fs.existsSync(src)) return src;
      }
    }
    return resolve.call(this, request, parent, ...rest);
  };
}

'use strict';
// Worker entry when running from TypeScript sources (jest, benches); dist/ uses detection.worker.js.
require('./swc-register');
module.exports = require('./detection.worker.ts');

'use strict';
// Runs this repository's TypeScript sources under plain node (tests' child processes, benches): see
// scripts/register-ts.js, the one loader. Production runs the compiled dist/ instead.
require('../../scripts/register-ts.js');

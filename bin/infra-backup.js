#!/usr/bin/env node
// The CLI is built by `npm run build` into out/main/cli.js.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cliUrl = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cliUrl))) {
  process.stderr.write('infra-backup is not built yet: run `npm run build` in the project folder first.\n');
  process.exit(1);
}
// A URL, not a path: Windows Node refuses `import('C:\\…')` ("Received protocol 'c:'").
await import(cliUrl.href);

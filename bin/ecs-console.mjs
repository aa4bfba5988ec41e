#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the package needs no separate compile step.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

// The SDK versions this package pins support Node 20; its notice about future versions is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
await import(cli);

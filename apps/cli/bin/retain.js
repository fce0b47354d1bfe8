#!/usr/bin/env node
// The `retain` command runs straight from TypeScript source (no build step to remember).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');

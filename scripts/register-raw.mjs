// Registered after tsx so its hooks run first: node --import tsx --import ./scripts/register-raw.mjs file.ts
import { register } from 'node:module';
register('./raw-hooks.mjs', import.meta.url);

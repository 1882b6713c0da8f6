// npm run api [-- <url-or-file>]: regenerates src/api/schema.d.ts from the gateway's OpenAPI
// document. Default source: $LABSCHED_GATEWAY/openapi/v1.json (http://127.0.0.1:5080).
import { execFileSync } from 'node:child_process';
const gateway = process.env.LABSCHED_GATEWAY ?? 'http://127.0.0.1:5080';
const source = process.argv[2] ?? `${gateway}/openapi/v1.json`;
execFileSync('npx', ['openapi-typescript', source, '-o', 'src/api/schema.d.ts'], { stdio: 'inherit' });

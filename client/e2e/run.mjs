#!/usr/bin/env node
// Runs the browser tests one file at a time and ends with one summary line
// ("e2e: N passed, N failed").
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.test.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .map((f) => join(here, f));

// Screenshots of failures from an earlier run would mislead.
const artifacts = join(here, '..', '..', 'test-artifacts');
mkdirSync(artifacts, { recursive: true });
for (const f of readdirSync(artifacts)) if (f.endsWith('-FAILED.png')) rmSync(join(artifacts, f));

let passed = 0;
let failed = 0;
const stream = run({ files, concurrency: 1, timeout: 10 * 60_000 });
stream.on('test:pass', (e) => {
  if (e.details?.type !== 'suite' && e.nesting > 0) passed++;
});
stream.on('test:fail', (e) => {
  if (e.details?.type !== 'suite') failed++;
});
stream.compose(spec).pipe(process.stdout);
stream.on('end', () => {
  console.log(`\ne2e: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
});

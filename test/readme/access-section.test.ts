import { readFileSync } from 'fs';
import { join } from 'path';
import { accessBlock, readmeWithBlock, warningsBlock } from '../../scripts/readme-access';

// The README's Access section shows each cloud's matrix for one spec, generated from
// the access model and the native matrices: regenerate with `npx tsx scripts/readme-access.ts`.
test('the README\'s access matrices are what the model and the native matrices give today', () => {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  expect(readmeWithBlock(readme)).toBe(readme);
});

test('the block lists every cloud and the model, and no identity may delete except retention', () => {
  const block = accessBlock();
  for (const heading of ['**The model**', '**AWS**', '**Google Cloud**', '**Azure**', '**Harbor**']) expect(block).toContain(heading);
  const deleters = block.split('\n').filter((l) => /^\| [^|]+ \| [^|]+ \| [^|]*delete/.test(l)).map((l) => l.split(' | ')[0].slice(2));
  expect(new Set(deleters)).toEqual(new Set(['retention']));
});

test('the Harbor robots in the README are project robots, one per identity and project, that neither delete nor administer', () => {
  const block = accessBlock();
  const robots = block.split('\n').filter((l) => /^\| [a-z-]+ \| `robot\$/.test(l));
  // The runtime pulls from the project and through the cache: two project robots, no system-level one (issue 16).
  expect(robots.map((l) => l.split(' | ').slice(0, 3))).toEqual([
    ['| ci', '`robot$shop+ci`', 'project'], ['| promoter', '`robot$shop+promoter`', 'project'],
    ['| runtime', '`robot$shop+runtime`', 'project'], ['| runtime', '`robot$shop-docker-hub+runtime`', 'project'],
  ]);
  for (const l of robots) expect(l).not.toMatch(/delete|:\*|`\*`|system-kind/);
});

test('the README lists every warning id of the three clouds, once', () => {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const listed = [...readme.matchAll(/^\| `(container-registry-constructs:[a-z0-9-]+)` \|/gm)].map((m) => m[1]);
  expect(listed.length).toBeGreaterThan(30);
  expect(new Set(listed).size).toBe(listed.length);
  expect(warningsBlock()).toContain('container-registry-constructs:azure-');
});

import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parseWorkflows } from './fixtures';
import { Io } from '../../src/cli/command';
import { main } from '../../src/cli/main';

// examples/promotion holds what a user commits: the spec, and the workflows and
// scripts `promote-scripts` generated from it. They must stay in step with the
// generators, and GitHub's parser must accept the committed workflows.
const root = join(__dirname, '../..');
const example = join(root, 'examples/promotion');

test('the committed workflows and scripts are what promote-scripts generates', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), stdin: async () => '' };
  const code = await main(['promote-scripts', join(example, 'registry.yaml'), '--cloud', 'aws,gcp,azure', '--out', example, '--check'], io);
  // The only warning: Artifact Registry's all-or-nothing immutable tags keep the GCP build from moving aliases.
  expect(err).toEqual([expect.stringMatching(/^warning \(gcp\): Artifact Registry: api, web get immutable_tags/)]);
  expect(out.join('\n')).toMatch(/promotion files are up to date$/);
  expect(code).toBe(0);
});

test('GitHub\'s parser accepts the committed workflows', () => {
  const dir = join(example, '.github/workflows');
  const files = readdirSync(dir).sort();
  expect(files).toEqual(['promote-aws.yml', 'promote-azure.yml', 'promote-gcp.yml']);
  const results = parseWorkflows(files.map((f) => ({ name: f, content: readFileSync(join(dir, f), 'utf8') })));
  for (const r of results) {
    expect(r.errors).toEqual([]);
    expect(r.jobs).toEqual([
      { id: 'build', needs: [] },
      { id: 'promote-staging', needs: ['build'] },
      { id: 'promote-prod', needs: ['build', 'promote-staging'], environment: 'prod' },
    ]);
  }
});

import { validSpec } from './fixtures';
import { GithubOidc, SpecLoader, SpecValidator } from '../../src/spec';

describe('GithubOidc', () => {
  test('name-only subjects for branches, environments and tags (GitHub docs, example subject claims)', () => {
    expect(GithubOidc.subject({ repository: 'octo-org/octo-repo', branch: 'demo-branch' })).toBe('repo:octo-org/octo-repo:ref:refs/heads/demo-branch');
    expect(GithubOidc.subject({ repository: 'octo-org/octo-repo', environment: 'Production' })).toBe('repo:octo-org/octo-repo:environment:Production');
    expect(GithubOidc.subject({ repository: 'octo-org/octo-repo', tag: 'v*' })).toBe('repo:octo-org/octo-repo:ref:refs/tags/v*');
  });

  test('immutable subjects append the owner and repository ids with "@" (GitHub docs, "Immutable subject claims")', () => {
    // "the subject claim for the main branch of the octocat/my-repo repository looks like this: repo:octocat@123456/my-repo@456789:ref:refs/heads/main"
    const trust = { repository: 'octocat/my-repo', ownerId: 123456, repositoryId: 456789, branch: 'main' };
    expect(GithubOidc.subject(trust)).toBe('repo:octocat@123456/my-repo@456789:ref:refs/heads/main');
    expect(GithubOidc.immutable(trust)).toBe(true);
    expect(GithubOidc.subject({ ...trust, branch: undefined, environment: 'prod' })).toBe('repo:octocat@123456/my-repo@456789:environment:prod');
    expect(GithubOidc.immutable({ repository: 'o/r', branch: 'main' })).toBe(false);
  });

  test('exactly one of branch, environment and tag', () => {
    expect(() => GithubOidc.subject({ repository: 'o/r' })).toThrow('github trust for o/r: give exactly one of branch, environment or tag (got 0)');
    expect(() => GithubOidc.subject({ repository: 'o/r', branch: 'main', tag: 'v1' })).toThrow('(got 2)');
  });

  test('validation: both ids or neither, each a positive integer', () => {
    const problems = (github: object) => SpecValidator.validate(validSpec({ access: { pushers: [{ name: 'ci', github: github as any }] } })).problems
      .map((p) => `${p.path}: ${p.value} ${p.message}`);
    expect(problems({ repository: 'o/r', branch: 'main', ownerId: 1, repositoryId: 2 })).toEqual([]);
    expect(problems({ repository: 'o/r', branch: 'main', ownerId: 1 })).toEqual([
      'access.pushers[0].github.repositoryId: undefined is required with ownerId: immutable subject claims name both (repo:<owner>@<ownerId>/<repo>@<repositoryId>)',
    ]);
    expect(problems({ repository: 'o/r', branch: 'main', ownerId: -1, repositoryId: '2' })).toEqual([
      // The shape first (a string is not a number), then what the shape check cannot see.
      'access.pushers[0].github.repositoryId: "2" has the wrong type: expected a number, got a string',
      'access.pushers[0].github.ownerId: -1 is not a GitHub id (a positive integer; gh api repos/<owner>/<repo> --jq .owner.id)',
    ]);
  });

  test('a spec file may give the ids', () => {
    const spec = SpecLoader.fromString([
      'version: 1', 'name: platform', 'repositories: [{ name: api }]',
      'access:', '  pushers: [{ name: ci, github: { repository: o/r, ownerId: 1, repositoryId: 2, branch: main } }]',
    ].join('\n'), { sourceName: 'registry.yaml' });
    expect(GithubOidc.subject(spec.access!.pushers![0].github!)).toBe('repo:o@1/r@2:ref:refs/heads/main');
  });
});

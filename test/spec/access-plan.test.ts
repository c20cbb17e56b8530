import { validSpec } from './fixtures';
import { AccessPlan, AccessRole, EnvironmentLayout, Glob, Permission, RegistrySpec, SpecValidator } from '../../src/spec';

const spec = (layout: EnvironmentLayout): RegistrySpec => validSpec({
  environments: { layout, chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }] },
  access: {
    pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }],
    pullers: [{ name: 'runtime', gcpMembers: ['user:a@b.c'], environments: ['prod'], repositories: ['api', 'jobs/*'] }],
    promoters: [{ name: 'promoter', github: { repository: 'o/r', environment: 'prod' } }],
  },
});
const brief = (s: RegistrySpec) => AccessPlan.grants(s).map((g) => `${g.role}:${g.identity}:${g.permission}@${g.environment || '-'}:${g.images.join(',')}`);

describe('AccessPlan', () => {
  test('hops follow the chain; only the last needs approval by default', () => {
    expect(AccessPlan.hops(spec(EnvironmentLayout.REPOSITORIES))).toEqual([
      { source: 'dev', destination: 'staging', requiresApproval: false },
      { source: 'staging', destination: 'prod', requiresApproval: true },
    ]);
  });

  test('repositories layout: pushers push only to the first environment; promoters pull the source, and pull and push the destination of each hop', () => {
    const grants = brief(spec(EnvironmentLayout.REPOSITORIES));
    expect(grants).toEqual([
      'pusher:ci:push@dev:api,web,jobs/worker',
      'puller:runtime:pull@prod:api,jobs/worker',
      'promoter:promoter:pull@dev:api,web,jobs/worker',
      // The hop script reads the destination tags before and after the copy (issue 13, item 1).
      'promoter:promoter:pull@staging:api,web,jobs/worker',
      'promoter:promoter:push@staging:api,web,jobs/worker',
      'promoter:promoter:pull@prod:api,web,jobs/worker',
      'promoter:promoter:push@prod:api,web,jobs/worker',
    ]);
    // The safety property of the layout: nobody but pushers writes the first environment.
    const writesToFirst = AccessPlan.grants(spec(EnvironmentLayout.REPOSITORIES)).filter((g) => g.environment === 'dev' && g.permission === Permission.PUSH);
    expect(writesToFirst.map((g) => g.role)).toEqual([AccessRole.PUSHER]);
  });

  test('tags layout: every grant is on the one repository per image', () => {
    expect(brief(spec(EnvironmentLayout.TAGS))).toEqual([
      'pusher:ci:push@-:api,web,jobs/worker',
      'puller:runtime:pull@-:api,jobs/worker',
      'promoter:promoter:pull@-:api,web,jobs/worker',
      'promoter:promoter:push@-:api,web,jobs/worker',
    ]);
  });

  test('a promoter limited to prod performs only the hop into prod', () => {
    const s = spec(EnvironmentLayout.REGISTRIES);
    const limited = { ...s, access: { promoters: [{ name: 'p', gcpMembers: ['user:a@b.c'], environments: ['prod'] }] } };
    expect(brief(limited)).toEqual(['promoter:p:pull@staging:api,web,jobs/worker', 'promoter:p:pull@prod:api,web,jobs/worker', 'promoter:p:push@prod:api,web,jobs/worker']);
  });

  test('validation: pushers cannot target later environments and promoters cannot target the first', () => {
    const s = validSpec({
      access: {
        pushers: [{ name: 'ci', gcpMembers: ['user:a@b.c'], environments: ['prod'] }],
        promoters: [{ name: 'p', gcpMembers: ['user:a@b.c'], environments: ['dev'] }],
      },
    });
    expect(SpecValidator.validate(s).problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'access.pushers[0].environments[0]: is not the first environment: pushers may push only to "dev"; later environments receive images by promotion',
      'access.promoters[0].environments[0]: is the first environment: promoters promote into later environments (list the destinations of their hops)',
    ]);
  });
});

describe('Glob', () => {
  // DESIGN.md: "`*` matches any run of characters (including none) and the pattern must match the whole tag".
  test.each([
    ['prod*', 'prod', true], ['prod*', 'production-team1', true], ['prod*', 'preprod', false],
    ['*prod*', 'preprod-1', true], ['v*.*', 'v1.2', true], ['v*.*', 'v12', false], ['a.b', 'aXb', false], ['jobs/*', 'jobs/worker', true],
  ])('%s ~ %s = %s', (pattern, value, expected) => {
    expect(Glob.matches(pattern, value)).toBe(expected);
  });
});

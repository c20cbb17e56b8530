import { promotionSpec } from './fixtures';
import { PromotionPlanner, PromotionPlanOptions, WorkflowVariables } from '../../src/promotion';
import { AccessPlan, AccessRole, Cloud, EnvironmentLayout, Naming, Permission, Severity, TagStrategy } from '../../src/spec';

const located = { awsAccountId: '123456789012', awsRegion: 'eu-west-1', gcpProjectId: 'my-project', gcpLocation: 'europe-west1', acrRegistrySuffix: 'x7' };
const refs = (cloud: Cloud, layout: EnvironmentLayout) => {
  const plan = PromotionPlanner.plan(promotionSpec(layout), { cloud, ...located });
  return plan.hops.map((h) => `${h.sourceEnvironment}->${h.destinationEnvironment} by ${h.promoter}: ${h.images.map((i) => `${i.source.reference} => ${i.destination.reference}`).join(' | ')}`);
};

describe('PromotionPlanner: references per cloud and layout', () => {
  test.each([
    [Cloud.AWS, EnvironmentLayout.REPOSITORIES, [
      'dev->staging by promote-staging: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/dev/api => 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/staging/api'
      + ' | 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/dev/jobs/worker => 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/staging/jobs/worker',
      'staging->prod by promote-prod: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/staging/api => 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/prod/api'
      + ' | 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/staging/jobs/worker => 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/prod/jobs/worker',
    ]],
    [Cloud.AWS, EnvironmentLayout.REGISTRIES, [
      'dev->staging by promote-staging: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-dev/api => 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-staging/api'
      + ' | 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-dev/jobs/worker => 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-staging/jobs/worker',
      'staging->prod by promote-prod: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-staging/api => 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-prod/api'
      + ' | 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-staging/jobs/worker => 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-prod/jobs/worker',
    ]],
    [Cloud.GCP, EnvironmentLayout.REPOSITORIES, [
      'dev->staging by promote-staging: europe-west1-docker.pkg.dev/my-project/platform-dev/api => europe-west1-docker.pkg.dev/my-project/platform-staging/api'
      + ' | europe-west1-docker.pkg.dev/my-project/platform-dev/jobs/worker => europe-west1-docker.pkg.dev/my-project/platform-staging/jobs/worker',
      'staging->prod by promote-prod: europe-west1-docker.pkg.dev/my-project/platform-staging/api => europe-west1-docker.pkg.dev/my-project/platform-prod/api'
      + ' | europe-west1-docker.pkg.dev/my-project/platform-staging/jobs/worker => europe-west1-docker.pkg.dev/my-project/platform-prod/jobs/worker',
    ]],
    [Cloud.AZURE, EnvironmentLayout.REPOSITORIES, [
      'dev->staging by promote-staging: platformx7.azurecr.io/dev/api => platformx7.azurecr.io/staging/api'
      + ' | platformx7.azurecr.io/dev/jobs/worker => platformx7.azurecr.io/staging/jobs/worker',
      'staging->prod by promote-prod: platformx7.azurecr.io/staging/api => platformx7.azurecr.io/prod/api'
      + ' | platformx7.azurecr.io/staging/jobs/worker => platformx7.azurecr.io/prod/jobs/worker',
    ]],
    [Cloud.AZURE, EnvironmentLayout.REGISTRIES, [
      'dev->staging by promote-staging: platformdevx7.azurecr.io/api => platformstagingx7.azurecr.io/api'
      + ' | platformdevx7.azurecr.io/jobs/worker => platformstagingx7.azurecr.io/jobs/worker',
      'staging->prod by promote-prod: platformstagingx7.azurecr.io/api => platformprodx7.azurecr.io/api'
      + ' | platformstagingx7.azurecr.io/jobs/worker => platformprodx7.azurecr.io/jobs/worker',
    ]],
    [Cloud.GCP, EnvironmentLayout.TAGS, [
      'dev->staging by promote-staging: europe-west1-docker.pkg.dev/my-project/platform/api => europe-west1-docker.pkg.dev/my-project/platform/api'
      + ' | europe-west1-docker.pkg.dev/my-project/platform/jobs/worker => europe-west1-docker.pkg.dev/my-project/platform/jobs/worker',
      'staging->prod by promote-prod: europe-west1-docker.pkg.dev/my-project/platform/api => europe-west1-docker.pkg.dev/my-project/platform/api'
      + ' | europe-west1-docker.pkg.dev/my-project/platform/jobs/worker => europe-west1-docker.pkg.dev/my-project/platform/jobs/worker',
    ]],
  ])('%s, %s layout', (cloud, layout, expected) => {
    expect(refs(cloud, layout)).toEqual(expected);
  });

  test('the plan uses the same hops and promoters as the access plan the cloud constructs grant from', () => {
    for (const layout of [EnvironmentLayout.REPOSITORIES, EnvironmentLayout.REGISTRIES, EnvironmentLayout.TAGS]) {
      const spec = promotionSpec(layout);
      const plan = PromotionPlanner.plan(spec, { cloud: Cloud.AWS, ...located });
      const grants = AccessPlan.grants(spec).filter((g) => g.role === AccessRole.PROMOTER);
      const physical = (env: string) => (layout === EnvironmentLayout.TAGS ? '' : env);
      for (const hop of plan.hops) {
        // The promoter performing the hop is granted exactly: pull the source, pull and push the destination
        // (the hop script reads each destination tag before and after the copy).
        const mine = grants.filter((g) => g.identity === hop.promoter).map((g) => `${g.permission}@${g.environment}`);
        expect(mine).toEqual([...new Set([
          `${Permission.PULL}@${physical(hop.sourceEnvironment)}`,
          `${Permission.PULL}@${physical(hop.destinationEnvironment)}`,
          `${Permission.PUSH}@${physical(hop.destinationEnvironment)}`,
        ])]);
      }
      expect(plan.hops.map((h) => [h.sourceEnvironment, h.destinationEnvironment, h.requiresApproval]))
        .toEqual(AccessPlan.hops(spec).map((h) => [h.source, h.destination, h.requiresApproval]));
    }
  });

  test('pushes go to the first environment only; hops never write it', () => {
    const plan = PromotionPlanner.plan(promotionSpec(), { cloud: Cloud.AWS, ...located });
    expect(plan.pushes.map((p) => p.destination.repository)).toEqual(['platform/dev/api', 'platform/dev/jobs/worker']);
    expect(plan.hops.flatMap((h) => h.images.map((i) => i.destination.repository)).filter((r) => r.includes('/dev/'))).toEqual([]);
    expect(plan.pusher).toBe('ci');
    expect(plan.branch).toBe('main');
  });
});

describe('PromotionPlanner: hosts as GitHub variables when not given', () => {
  test.each([
    // The URL suffix is chosen from the region at run time (amazonaws.com.cn in China): Naming.awsUrlSuffix.
    [Cloud.AWS, `\${{ vars.AWS_ACCOUNT_ID }}.dkr.ecr.\${{ vars.AWS_REGION }}.${Naming.awsUrlSuffix('${{ vars.AWS_REGION }}')}/platform/dev/api`],
    [Cloud.GCP, '${{ vars.GCP_LOCATION }}-docker.pkg.dev/${{ vars.GCP_PROJECT_ID }}/platform-dev/api'],
    [Cloud.AZURE, 'platform${{ vars.AZURE_REGISTRY_SUFFIX }}.azurecr.io/dev/api'],
  ])('%s', (cloud, reference) => {
    const plan = PromotionPlanner.plan(promotionSpec(), { cloud });
    expect(plan.pushes[0].destination.reference).toBe(reference);
    for (const v of WorkflowVariables.registry(cloud)) expect(reference).toContain(`vars.${v}`);
  });

  test('login servers are the host alone (GCP keeps the project in the registry part)', () => {
    const gcp = PromotionPlanner.plan(promotionSpec(), { cloud: Cloud.GCP, ...located }).pushes[0].destination;
    expect(gcp).toEqual({
      registry: 'europe-west1-docker.pkg.dev/my-project',
      loginServer: 'europe-west1-docker.pkg.dev',
      repository: 'platform-dev/api',
      reference: 'europe-west1-docker.pkg.dev/my-project/platform-dev/api',
    });
  });
});

describe('PromotionPlanner: layouts, tags and GitHub environments', () => {
  test('repositories layout carries the build tags; tags layout moves the environment tag, checking the source tag', () => {
    const repos = PromotionPlanner.plan(promotionSpec(), { cloud: Cloud.AWS, ...located });
    expect(repos.hops[0].images[0]).toMatchObject({ carriesBuildTags: true, environmentTags: [], requiredSourceTag: undefined });
    expect(repos.pushes[0].environmentTags).toEqual([]);
    const tags = PromotionPlanner.plan(promotionSpec(EnvironmentLayout.TAGS), { cloud: Cloud.AWS, ...located });
    expect(tags.hops.map((h) => h.images[0])).toMatchObject([
      { carriesBuildTags: false, environmentTags: ['staging'], requiredSourceTag: 'dev' },
      { carriesBuildTags: false, environmentTags: ['prod'], requiredSourceTag: 'staging' },
    ]);
    expect(tags.pushes[0].environmentTags).toEqual(['dev']);
    // Environment tags are mutable by default with the tags layout (EffectiveSpec).
    expect(tags.pushes[0].tags).toEqual({ immutable: true, mutableTags: ['latest', 'dev', 'staging', 'prod'], strategy: TagStrategy.SEMVER, semverAliases: true });
  });

  test('the tags layout carries the warning that IAM cannot tell tags apart; the other layouts do not', () => {
    const tags = PromotionPlanner.plan(promotionSpec(EnvironmentLayout.TAGS), { cloud: Cloud.AWS });
    expect(tags.warnings).toContain(PromotionPlanner.TAGS_LAYOUT_WARNING);
    expect(PromotionPlanner.TAGS_LAYOUT_WARNING).toMatch(/IAM cannot tell tags apart.*Use the "repositories" layout/);
    for (const layout of [EnvironmentLayout.REPOSITORIES, EnvironmentLayout.REGISTRIES]) {
      expect(PromotionPlanner.plan(promotionSpec(layout), { cloud: Cloud.AWS }).warnings).toEqual([]);
    }
  });

  // Artifact Registry: "prevents all tags from being modified, moved or deleted" with immutable tags,
  // which the GAR tag decision turns on for the default policy (immutable releases, moving aliases).
  test('on Artifact Registry with immutable_tags, the build pushes no moving aliases and the tags layout is warned', () => {
    const repos = PromotionPlanner.plan(promotionSpec(EnvironmentLayout.REPOSITORIES), { cloud: Cloud.GCP });
    expect(repos.pushes.every((p) => p.tags.semverAliases === false)).toBe(true);
    expect(repos.warnings).toEqual([expect.stringMatching(/^Artifact Registry: .* get immutable_tags \(all or nothing\), so the build pushes only write-once tags there/)]);
    const aws = PromotionPlanner.plan(promotionSpec(EnvironmentLayout.REPOSITORIES), { cloud: Cloud.AWS });
    expect(aws.pushes.every((p) => p.tags.semverAliases === true)).toBe(true);
    const tags = PromotionPlanner.plan(promotionSpec(EnvironmentLayout.TAGS), { cloud: Cloud.GCP });
    expect(tags.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/an environment tag cannot move once set and every promotion after the first fails/)]));
    // Mutable tags: nothing to warn about, aliases move.
    const mutable = PromotionPlanner.plan(promotionSpec(EnvironmentLayout.REPOSITORIES, { tagPolicy: { immutable: false } }), { cloud: Cloud.GCP });
    expect(mutable.warnings).toEqual([]);
    expect(mutable.pushes.every((p) => p.tags.semverAliases)).toBe(true);
  });

  test('tags layout with immutable tags whose mutableTags miss an environment: warned', () => {
    const spec = promotionSpec(EnvironmentLayout.TAGS, { tagPolicy: { immutable: true, mutableTags: ['latest', 'staging'] } });
    const plan = PromotionPlanner.plan(spec, { cloud: Cloud.AWS });
    expect(plan.warnings).toContain('hop staging -> prod: image "api" has immutable tags and "prod" is not in its mutableTags, so the environment tag cannot move once set; add "prod" to tagPolicy.mutableTags');
  });

  test('the prod hop runs in the GitHub environment "prod" (approval); the staging hop in none', () => {
    const plan = PromotionPlanner.plan(promotionSpec(), { cloud: Cloud.AWS });
    expect(plan.hops.map((h) => [h.jobId, h.scriptName, h.requiresApproval, h.githubEnvironment])).toEqual([
      ['promote-staging', 'promote-dev-to-staging.sh', false, undefined],
      ['promote-prod', 'promote-staging-to-prod.sh', true, 'prod'],
    ]);
  });

  // GitHub's OIDC reference: a job that references an environment gets the subject
  // `repo:<orgName/repoName>:environment:<environmentName>`; otherwise `repo:<orgName/repoName>:ref:refs/heads/<branchName>`.
  test('a promoter whose OIDC trust cannot match its job is warned about', () => {
    const spec = promotionSpec(EnvironmentLayout.REPOSITORIES, {
      access: {
        pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }],
        promoters: [{ name: 'promoter', github: { repository: 'o/r', branch: 'main' } }],
      },
    });
    const plan = PromotionPlanner.plan(spec, { cloud: Cloud.AZURE });
    expect(plan.warnings).toEqual([
      'promoter "promoter" is trusted on branch "main", but the prod promotion job runs in GitHub environment "prod", whose OIDC subject is "repo:o/r:environment:prod": trust the identity on environment "prod"',
    ]);
  });

  test('one promoter trusted only in "prod" for every hop: the staging hop runs in "prod" too, and says so', () => {
    const spec = promotionSpec(EnvironmentLayout.REPOSITORIES, {
      access: {
        pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }],
        promoters: [{ name: 'promoter', github: { repository: 'o/r', environment: 'prod' } }],
      },
    });
    const plan = PromotionPlanner.plan(spec, { cloud: Cloud.AWS });
    expect(plan.hops.map((h) => h.githubEnvironment)).toEqual(['prod', 'prod']);
    expect(plan.warnings).toEqual([expect.stringMatching(/^hop dev -> staging: promoter "promoter" is trusted only in GitHub environment "prod", so this hop, which needs no approval, runs in that environment/)]);
  });

  test('no promoter for a hop, no pusher, identities without github trust: warned', () => {
    const spec = promotionSpec(EnvironmentLayout.REPOSITORIES, {
      access: { promoters: [{ name: 'promote-prod', environments: ['prod'], awsPrincipalArns: ['arn:aws:iam::123456789012:role/p'] }] },
    });
    const plan = PromotionPlanner.plan(spec, { cloud: Cloud.AWS });
    expect(plan.pusher).toBeUndefined();
    expect(plan.hops.map((h) => h.promoter)).toEqual([undefined, 'promote-prod']);
    expect(plan.warnings).toEqual([
      'access.pushers: no pusher may push to the first environment ("dev"); add one with github trust so the build job can log in as it',
      expect.stringMatching(/^hop dev -> staging: no promoter performs it/),
      'promoter "promote-prod" has no github trust, so no construct creates the AWS_ROLE_ARN_PROMOTE_PROD variable: set it to an identity that trusts this repository\'s environment "prod"',
    ]);
  });

  test('images and branch options', () => {
    const plan = PromotionPlanner.plan(promotionSpec(), { cloud: Cloud.AWS, images: ['jobs/worker'], branch: 'release' });
    expect(plan.pushes.map((p) => p.image)).toEqual(['jobs/worker']);
    expect(plan.hops.map((h) => h.images.map((i) => i.image))).toEqual([['jobs/worker'], ['jobs/worker']]);
    expect(plan.branch).toBe('release');
    // The staging promoter trusts main, the workflow runs on release.
    expect(plan.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/pusher "ci" is trusted on branch "main", but the build job runs on pushes to branch "release"/)]));
  });
});

describe('PromotionPlanner: errors', () => {
  test('bad options are all reported at once, naming the field, the value and what is allowed', () => {
    expect(() => PromotionPlanner.plan(promotionSpec(), {
      cloud: Cloud.AWS,
      awsAccountId: '1234',
      awsRegion: 'Europe',
      gcpProjectId: 'X',
      gcpLocation: 'EU!',
      acrRegistrySuffix: 'A-b',
      images: ['api', 'nope'],
      pusher: 'robot',
      branch: 'a b',
    })).toThrow([
      'Cannot plan promotion of registry "platform": 8 problems',
      '  - awsAccountId: "1234" is not an AWS account id (12 digits)',
      '  - awsRegion: "Europe" is not an AWS region (like eu-west-1)',
      '  - gcpProjectId: "X" is not a GCP project id (6-30 lower-case letters, digits and hyphens, starting with a letter)',
      '  - gcpLocation: "EU!" is not an Artifact Registry location (like europe-west1 or us)',
      '  - acrRegistrySuffix: "A-b" is not a valid ACR name suffix (lower-case letters and digits)',
      '  - branch: "a b" is not a git branch name: it contains a character git refuses in ref names (space, control characters, ~ ^ : ? * [ \\) (git check-ref-format rules)',
      '  - images[1]: "nope" is not a repository of the spec (repositories: api, jobs/worker)',
      '  - pusher: "robot" is not a pusher of the spec (access.pushers: ci)',
    ].join('\n'));
  });

  // Hostile-user sweep: these options were accepted and became a workflow that could never run as asked.
  test.each<[string, Partial<PromotionPlanOptions>, string]>([
    // Was accepted: the workflow triggered on refs/heads/main and verified ...@refs/heads/refs/heads/main.
    ['a full ref as the branch', { branch: 'refs/heads/main' }, 'branch: "refs/heads/main" is a full git ref; give the branch name only: "main"'],
    ['a branch git refuses (..)', { branch: 'main..x' }, 'branch: "main..x" is not a git branch name: it contains ".."'],
    ['a branch starting with -', { branch: '-x' }, 'branch: "-x" is not a git branch name: it starts with "-"'],
    ['a branch ending with .lock', { branch: 'release.lock' }, 'branch: "release.lock" is not a git branch name: it has a path component that starts with "." or ends with ".lock"'],
    // Was accepted: the suffix made a 60-character ACR registry name.
    ['an ACR suffix that makes the name too long', { cloud: Cloud.AZURE, acrRegistrySuffix: 'x'.repeat(45) },
      `acrRegistrySuffix: "${'x'.repeat(45)}" gives the registry name platform${'x'.repeat(45)}: ACR names are 5-50 letters and digits`],
    ['an image listed twice', { images: ['api', 'api'] }, 'images[1]: "api" is listed twice; list each repository once'],
  ])('%s is refused, naming the option', (_, options, message) => {
    expect(() => PromotionPlanner.plan(promotionSpec(), { cloud: Cloud.AWS, ...options })).toThrow(message);
  });

  test('negative controls: branches git takes (slashes, upper case, unicode) and a suffix that keeps the name valid', () => {
    for (const branch of ['release/2.x', 'Feature/Foo_Bar', 'féature', 'v1.2']) {
      expect(PromotionPlanner.plan(promotionSpec(), { cloud: Cloud.AWS, branch }).branch).toBe(branch);
    }
    expect(() => PromotionPlanner.plan(promotionSpec(), { cloud: Cloud.AZURE, acrRegistrySuffix: 'x'.repeat(42) })).not.toThrow();
  });

  test('an invalid spec is refused with the spec validator\'s message', () => {
    expect(() => PromotionPlanner.plan({ ...promotionSpec(), name: 'Bad_Name' }, { cloud: Cloud.AWS }))
      .toThrow(/Invalid registry spec "Bad_Name".*\n.*name: "Bad_Name" is not a valid registry name/);
  });

  test('a spec without environments has no hops and pushes to the registry itself', () => {
    const plan = PromotionPlanner.plan({ ...promotionSpec(), environments: undefined, access: { pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }] } }, { cloud: Cloud.AWS, ...located });
    expect(plan.hops).toEqual([]);
    expect(plan.pushes.map((p) => p.destination.repository)).toEqual(['platform/api', 'platform/jobs/worker']);
    expect(plan.warnings).toEqual([]);
  });
});

describe('WorkflowVariables', () => {
  test('identity variables follow <CLOUD>_<ROLE>_<IDENTITY> in upper snake case', () => {
    expect(WorkflowVariables.identity(Cloud.AWS, 'promote-prod')).toBe('AWS_ROLE_ARN_PROMOTE_PROD');
    expect(WorkflowVariables.identity(Cloud.GCP, 'ci')).toBe('GCP_SERVICE_ACCOUNT_CI');
    expect(WorkflowVariables.identity(Cloud.AZURE, 'ci')).toBe('AZURE_CLIENT_ID_CI');
    expect(WorkflowVariables.shared(Cloud.GCP)).toEqual(['GCP_WORKLOAD_IDENTITY_PROVIDER']);
    expect(WorkflowVariables.shared(Cloud.AZURE)).toEqual(['AZURE_TENANT_ID', 'AZURE_SUBSCRIPTION_ID']);
    expect(WorkflowVariables.shared(Cloud.AWS)).toEqual([]);
    expect(() => WorkflowVariables.identity('ibm' as Cloud, 'ci')).toThrow('cloud: "ibm" is not a cloud (allowed: aws, gcp, azure, harbor)');
  });
});

describe('PromotionPlanner: the scan gate needs read access to scan results', () => {
  test('a severity threshold gates the hops that need approval; the constructs grant the read, so no warning unless a promoter has no github trust', () => {
    const spec = promotionSpec(EnvironmentLayout.REPOSITORIES, { scanning: { severityThreshold: Severity.HIGH } });
    const aws = PromotionPlanner.plan(spec, { cloud: Cloud.AWS });
    expect(aws.hops.filter((h) => h.images.some((i) => i.gate)).map((h) => h.destinationEnvironment)).toEqual(['prod']);
    // The constructs grant the promoters with github trust (test/aws/iam-access.test.ts, test/gcp/access-property.test.ts): no warning.
    expect(aws.warnings.some((w) => w.includes('gates the hops'))).toBe(false);
    expect(PromotionPlanner.plan(spec, { cloud: Cloud.GCP }).warnings.some((w) => w.includes('gates the hops'))).toBe(false);
    expect(PromotionPlanner.plan(spec, { cloud: Cloud.AZURE }).warnings.some((w) => w.includes('gates the hops'))).toBe(false);
    // A promoter without github trust: the gate runs as an identity no construct creates.
    const external = {
      ...spec,
      access: { ...spec.access, promoters: (spec.access?.promoters ?? []).map((p) => ({ ...p, github: undefined, awsPrincipalArns: ['arn:aws:iam::123456789012:role/release'] })) },
    };
    expect(PromotionPlanner.plan(external, { cloud: Cloud.AWS }).warnings)
      .toContainEqual(expect.stringMatching(/have no github trust, so no construct creates the identity the gate runs as: .*inspector2:ListFindings/));
    // No threshold, no gate, no warning.
    expect(PromotionPlanner.plan({ ...external, scanning: undefined }, { cloud: Cloud.AWS }).warnings.some((w) => w.includes('gates the hops'))).toBe(false);
  });
});

describe('PromotionPlanner on Harbor', () => {
  const harbor = (layout: EnvironmentLayout, overrides = {}) =>
    PromotionPlanner.plan(promotionSpec(layout, overrides), { cloud: Cloud.HARBOR, harborHost: 'harbor.example.com' });

  test.each([
    // Naming.harborProjectName / harborRepositoryPath: registries -> a project per environment; repositories -> <env>/<image>
    // in one project; tags -> one project, one repository per image.
    [EnvironmentLayout.REGISTRIES, [
      'dev->staging: harbor.example.com/platform-dev/api => harbor.example.com/platform-staging/api',
      'staging->prod: harbor.example.com/platform-staging/api => harbor.example.com/platform-prod/api',
    ]],
    [EnvironmentLayout.REPOSITORIES, [
      'dev->staging: harbor.example.com/platform/dev/api => harbor.example.com/platform/staging/api',
      'staging->prod: harbor.example.com/platform/staging/api => harbor.example.com/platform/prod/api',
    ]],
    [EnvironmentLayout.TAGS, [
      'dev->staging: harbor.example.com/platform/api => harbor.example.com/platform/api',
      'staging->prod: harbor.example.com/platform/api => harbor.example.com/platform/api',
    ]],
  ])('%s: <host>/<project>/<repository path>', (layout, expected) => {
    const plan = harbor(layout);
    expect(plan.hops.map((h) => `${h.sourceEnvironment}->${h.destinationEnvironment}: ${h.images[0].source.reference} => ${h.images[0].destination.reference}`)).toEqual(expected);
    for (const hop of plan.hops) {
      for (const image of hop.images) {
        for (const loc of [image.source, image.destination]) {
          expect(loc.loginServer).toBe('harbor.example.com');
          expect(loc.registry).toBe(`harbor.example.com/${loc.project}`);
          expect(loc.reference).toBe(`${loc.registry}/${loc.repository}`);
        }
      }
    }
  });

  test('without a host, the HARBOR_HOST variable; the other clouds\' locations have no project', () => {
    const plan = PromotionPlanner.plan(promotionSpec(EnvironmentLayout.REGISTRIES), { cloud: Cloud.HARBOR });
    expect(plan.pushes[0].destination).toEqual({
      registry: '${{ vars.HARBOR_HOST }}/platform-dev',
      loginServer: '${{ vars.HARBOR_HOST }}',
      repository: 'api',
      reference: '${{ vars.HARBOR_HOST }}/platform-dev/api',
      project: 'platform-dev',
    });
    expect(PromotionPlanner.plan(promotionSpec(), { cloud: Cloud.AWS }).pushes[0].destination.project).toBeUndefined();
  });

  test('the repositories layout warns that project robots reach every environment; registries does not', () => {
    expect(harbor(EnvironmentLayout.REPOSITORIES).warnings).toContain(PromotionPlanner.HARBOR_SHARED_PROJECT_WARNING);
    expect(harbor(EnvironmentLayout.REGISTRIES).warnings).not.toContain(PromotionPlanner.HARBOR_SHARED_PROJECT_WARNING);
    // The tags layout carries the tags warning (robots cannot tell tags apart either).
    expect(harbor(EnvironmentLayout.TAGS).warnings).toContain(PromotionPlanner.TAGS_LAYOUT_WARNING);
  });

  test('no OIDC trust checks on Harbor: robots log in with secrets, so a branch or environment mismatch is no warning', () => {
    const plan = harbor(EnvironmentLayout.REGISTRIES);
    expect(plan.warnings).toEqual([]);
    // The same spec on AWS warns about trust (negative control: the check exists and is skipped on Harbor only).
    const spec = promotionSpec(EnvironmentLayout.REGISTRIES, {
      access: {
        pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'release' } }],
        promoters: [{ name: 'promote-prod', environments: ['staging', 'prod'], github: { repository: 'example/platform', branch: 'main' } }],
      },
    });
    const trust = /OIDC/;
    expect(PromotionPlanner.plan(spec, { cloud: Cloud.AWS, branch: 'main' }).warnings.filter((w) => trust.test(w))).toHaveLength(2);
    expect(PromotionPlanner.plan(spec, { cloud: Cloud.HARBOR, harborHost: 'h.example', branch: 'main' }).warnings.filter((w) => trust.test(w))).toEqual([]);
  });

  test('a gated hop on Harbor: no warning, the construct grants the promoter robot what the scan gate reads (artifact:read, artifact-addition:read)', () => {
    const plan = harbor(EnvironmentLayout.REGISTRIES, { scanning: { severityThreshold: Severity.HIGH } });
    expect(plan.hops.map((h) => h.images.every((i) => i.gate?.severityThreshold === Severity.HIGH))).toEqual([false, true]);
    expect(plan.warnings.filter((w) => /gates the hops/.test(w))).toEqual([]);
  });

  test.each([
    ['https://harbor.example.com'], ['harbor.example.com/platform'], ['harbor.example.com:port'], ['-harbor.example.com'], [''],
  ])('harborHost %j is refused naming the field and what is allowed', (host) => {
    expect(() => PromotionPlanner.plan(promotionSpec(), { cloud: Cloud.HARBOR, harborHost: host }))
      .toThrow(`harborHost: ${JSON.stringify(host)} is not a registry host (a host name or IPv4 address with an optional :port, no scheme or path)`);
  });

  test('robot variables: one name variable and one secret per identity and project, the same suffix', () => {
    expect(WorkflowVariables.harborRobotName('promote-prod', 'platform-prod')).toBe('HARBOR_ROBOT_NAME_PROMOTE_PROD_PLATFORM_PROD');
    expect(WorkflowVariables.harborRobotSecret('promote-prod', 'platform-prod')).toBe('HARBOR_ROBOT_SECRET_PROMOTE_PROD_PLATFORM_PROD');
    expect(WorkflowVariables.registry(Cloud.HARBOR)).toEqual(['HARBOR_HOST']);
    expect(() => WorkflowVariables.identity(Cloud.HARBOR, 'ci')).toThrow(/one robot per identity and project: use WorkflowVariables.harborRobotName/);
  });
});

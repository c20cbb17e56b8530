import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { richSpec, stackIn, strictApp } from './helpers';
import { EcrAccessMatrix, EcrActions, ContainerRegistry } from '../../src/aws';
import { AccessResourceKind, Capability, EnvironmentLayout, TagStrategy } from '../../src/spec';

const spec = richSpec({
  access: {
    pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }],
    promoters: [{ name: 'promoter', github: { repository: 'example/platform', environment: 'prod' } }],
    pullers: [
      { name: 'release-reader', github: { repository: 'example/platform', tag: 'v*' }, environments: ['prod'], repositories: ['api'] },
      { name: 'runtime', awsAccountIds: ['111122223333'], environments: ['prod'] },
      { name: 'cluster', awsPrincipalArns: ['arn:aws:iam::123456789012:role/eks-nodes'], repositories: ['api'] },
    ],
  },
});
const matrix = EcrAccessMatrix.of(spec);
const row = (identity: string, resource: string) => matrix.find((r) => r.identity === identity && r.resource === resource);

describe('EcrAccessMatrix', () => {
  test('a pusher writes the first environment (and moves tags: the semver aliases and latest are mutable)', () => {
    expect(row('ci', 'platform/dev/api')).toEqual({
      identity: 'ci', principal: 'role', resource: 'platform/dev/api', capabilities: [Capability.WRITE, Capability.MOVE_TAG], grantedAs: EcrActions.PUSH,
    });
    expect(matrix.filter((r) => r.identity === 'ci').map((r) => r.resource)).toEqual(['platform/dev/api', 'platform/dev/jobs/worker', 'platform/dev/web']);
  });

  test('a promoter reads both ends of each hop and writes the destinations', () => {
    expect(row('promoter', 'platform/dev/api')!.capabilities).toEqual([Capability.READ]);
    expect(row('promoter', 'platform/staging/api')).toMatchObject({ capabilities: [Capability.READ, Capability.WRITE, Capability.MOVE_TAG], grantedAs: EcrActions.actionsFor(true, true) });
    expect(row('promoter', 'platform/prod/web')!.capabilities).toEqual([Capability.READ, Capability.WRITE, Capability.MOVE_TAG]);
  });

  test('a role that pulls also reads and imports through the cache prefix', () => {
    expect(row('release-reader', 'platform/prod/api')!.capabilities).toEqual([Capability.READ]);
    expect(row('release-reader', 'platform/ecr-public/*')).toEqual({
      identity: 'release-reader',
      principal: 'role',
      resource: 'platform/ecr-public/*',
      capabilities: [Capability.READ, Capability.CACHE_IMPORT],
      grantedAs: [...EcrActions.PULL, 'ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'],
    });
    expect(matrix.filter((r) => r.identity === 'release-reader')).toHaveLength(2);
  });

  test('existing principals and other accounts, through repository policies, with the principal named', () => {
    expect(matrix.filter((r) => r.identity === 'runtime').map((r) => [r.principal, r.resource, r.capabilities])).toEqual([
      ['arn:aws:iam::111122223333:root', 'platform/prod/api', [Capability.READ]],
      ['arn:aws:iam::111122223333:root', 'platform/prod/jobs/worker', [Capability.READ]],
      ['arn:aws:iam::111122223333:root', 'platform/prod/web', [Capability.READ]],
    ]);
    expect(matrix.filter((r) => r.identity === 'cluster').map((r) => r.resource)).toEqual(['platform/dev/api', 'platform/prod/api', 'platform/staging/api']);
  });

  test('no row deletes or administers, and none goes beyond the model without saying why', () => {
    for (const r of matrix) {
      expect(r.capabilities).not.toContain(Capability.DELETE);
      expect(r.capabilities).not.toContain(Capability.ADMIN);
      expect(r.beyondModel).toBeUndefined();
    }
  });

  test('an IMMUTABLE repository: write without moving tags', () => {
    const strict = EcrAccessMatrix.of(richSpec({ tagPolicy: { mutableTags: [], strategy: TagStrategy.VERSION_SHA } }));
    expect(strict.find((r) => r.identity === 'ci' && r.resource === 'platform/dev/api')!.capabilities).toEqual([Capability.WRITE]);
  });

  test('native names of model resources, and which repositories a row covers', () => {
    expect(EcrAccessMatrix.nativeResource(spec, AccessResourceKind.REPOSITORY, 'dev', 'jobs/worker')).toBe('platform/dev/jobs/worker');
    expect(EcrAccessMatrix.nativeResource(spec, AccessResourceKind.CACHE, '', 'ecr-public')).toBe('platform/ecr-public/*');
    expect(EcrAccessMatrix.covers('platform/dev/*', 'platform/dev/api')).toBe(true);
    expect(EcrAccessMatrix.covers('platform/dev/*', 'platform/devx/api')).toBe(false);
    expect(EcrAccessMatrix.covers('platform/dev/api', 'platform/dev/api-extra')).toBe(false);
  });
});

test('a tag policy that freezes the tags the programs move: a warning with a stable id', () => {
  const stack = stackIn(strictApp());
  new ContainerRegistry(stack, 'Registry', {
    spec: richSpec({
      repositories: [{ name: 'api' }],
      retention: undefined,
      environments: { layout: EnvironmentLayout.TAGS, chain: [{ name: 'dev' }, { name: 'prod' }] },
      tagPolicy: { mutableTags: [], strategy: TagStrategy.VERSION_SHA },
    }),
  });
  const found = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('builds and promotions move tags here'));
  expect(found.map((w: any) => String(w.entry.data))).toEqual([
    'api: builds and promotions move tags here (the environment tags of the "tags" layout), but the tag policy lists no mutable tag, so the ECR repositories '
    + 'are IMMUTABLE and those pushes fail. List the environment tags in tagPolicy.mutableTags (the default does). [ack: container-registry-constructs:aws-immutable-moving-tags]',
  ]);
});

test('pullers that are existing principals get no cache access from the construct: a warning says what their IAM must allow', () => {
  const stack = stackIn(strictApp());
  new ContainerRegistry(stack, 'Registry', { spec, repositoryNames: [] });
  const found = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('no pull-through cache access'));
  expect(found.map((w: any) => String(w.entry.data))).toEqual([
    'pullers "runtime", "cluster": existing principals (awsPrincipalArns, awsAccountIds) get no pull-through cache access from this construct; their own IAM policies must allow '
    + 'ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, ecr:BatchCheckLayerAvailability, ecr:BatchImportUpstreamImage, ecr:CreateRepository on repository/platform/ecr-public/* '
    + '(EcrAccessMatrix lists no cache row for them). [ack: container-registry-constructs:aws-cache-existing-principals]',
  ]);
});

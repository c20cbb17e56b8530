import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { TerraformStack, Testing } from 'cdktf';
import { annotations, resources, synthJson, testStack } from './helpers';
import { DockerRepository, IDockerRepository } from '../../src/gcp/docker-repository';
import { deriveServiceAccountId } from '../../src/gcp/gcp-names';
import { GithubWorkloadIdentity } from '../../src/gcp/github-workload-identity';
import { RegistryIdentities } from '../../src/gcp/registry-identities';
import { EnvironmentLayout, Naming, RegistrySpec } from '../../src/spec';
import { validSpec } from '../spec/fixtures';

function build(spec: RegistrySpec, extra: { serviceAccountPrefix?: string; noWif?: boolean } = {}) {
  const stack = testStack();
  const repositories: { [env: string]: IDockerRepository } = {};
  for (const env of Naming.physicalEnvironments(spec)) {
    repositories[env] = new DockerRepository(stack, `Repo-${env || 'default'}`, { repositoryId: Naming.garRepositoryId(spec, env), location: 'us', project: 'acme' });
  }
  const all = [...(spec.access?.pushers ?? []), ...(spec.access?.pullers ?? []), ...(spec.access?.promoters ?? [])];
  const trusts = all.filter((i) => i.github).map((i) => i.github!);
  const wif = trusts.length > 0 && !extra.noWif ? new GithubWorkloadIdentity(stack, 'Trust', { project: 'acme', trusts }) : undefined;
  const identities = new RegistryIdentities(stack, 'Identities', {
    spec, project: 'acme', repositories, workloadIdentity: wif, serviceAccountPrefix: extra.serviceAccountPrefix,
  });
  return { stack, identities };
}

/** `<role> <member> @ <repository id>` of every repository IAM member. */
function bindings(stack: TerraformStack): string[] {
  const json = synthJson(stack);
  const ids: { [key: string]: string } = {};
  for (const [name, r] of Object.entries<any>(json.resource.google_artifact_registry_repository ?? {})) ids[name] = r.repository_id;
  const saEmails: { [key: string]: string } = {};
  for (const [name, sa] of Object.entries<any>(json.resource.google_service_account ?? {})) saEmails[name] = `sa:${sa.account_id}`;
  return resources(json, 'google_artifact_registry_repository_iam_member').map((m) => {
    const repo = ids[/google_artifact_registry_repository\.([^.]+)\./.exec(m.repository)![1]];
    const member = m.member.replace(/^\$\{google_service_account\.([^.]+)\.member\}$/, (_: string, n: string) => saEmails[n]);
    return `${m.role.replace('roles/artifactregistry.', '')} ${member} @ ${repo}`;
  }).sort();
}

const spec = validSpec({
  access: {
    pushers: [{ name: 'ci', github: { repository: 'acme/platform', branch: 'main' } }],
    pullers: [
      { name: 'runtime', gcpMembers: ['serviceAccount:gke@acme.iam.gserviceaccount.com'], environments: ['prod'] },
      { name: 'audit', awsAccountIds: ['111122223333'] },
    ],
    promoters: [{ name: 'promoter', github: { repository: 'acme/platform', environment: 'prod' }, gcpMembers: ['group:release@acme.example'] }],
  },
});

describe('RegistryIdentities', () => {
  const { stack, identities } = build(spec);
  const synthesized = Testing.synth(stack);

  test('a service account per GitHub identity, with a deterministic valid id and an output named for the promotion workflow', () => {
    expect(synthesized).toHaveResourceWithProperties(ServiceAccount, { account_id: 'platform-ci', project: 'acme', display_name: 'platform ci' });
    expect(synthesized).toHaveResourceWithProperties(ServiceAccount, { account_id: 'platform-promoter' });
    const json = synthJson(stack);
    expect(Object.keys(json.output).sort()).toEqual(['GCP_SERVICE_ACCOUNT_CI', 'GCP_SERVICE_ACCOUNT_PROMOTER']);
    expect(json.output.GCP_SERVICE_ACCOUNT_CI.value).toMatch(/^\$\{google_service_account\..*\.email\}$/);
    expect(Object.keys(identities.serviceAccounts).sort()).toEqual(['ci', 'promoter']);
    expect(RegistryIdentities.outputName('ci-bot')).toBe('GCP_SERVICE_ACCOUNT_CI_BOT');
  });

  test('least privilege per AccessPlan grant: writer to push, reader to pull, each on its environment\'s repository only', () => {
    expect(bindings(stack)).toEqual([
      // staging is pulled (hop staging->prod) and pushed (hop dev->staging): one writer binding covers both.
      'reader group:release@acme.example @ platform-dev',
      'reader sa:platform-promoter @ platform-dev',
      'reader serviceAccount:gke@acme.iam.gserviceaccount.com @ platform-prod',
      'writer group:release@acme.example @ platform-prod',
      'writer group:release@acme.example @ platform-staging',
      'writer sa:platform-ci @ platform-dev',
      'writer sa:platform-promoter @ platform-prod',
      'writer sa:platform-promoter @ platform-staging',
    ]);
  });

  test('each GitHub identity may be impersonated only by its trusted workflow', () => {
    const members = resources(synthJson(stack), 'google_service_account_iam_member').map((m) => m.member.replace(/\$\{[^}]+\}/, '<pool>')).sort();
    expect(members).toEqual([
      'principal://iam.googleapis.com/<pool>/subject/repo:acme/platform:environment:prod',
      'principal://iam.googleapis.com/<pool>/subject/repo:acme/platform:ref:refs/heads/main',
    ]);
  });

  test('an identity with no GCP principal gets nothing, and a warning', () => {
    expect(annotations(identities)).toEqual([
      'Identity "audit" has no Google Cloud principal (no github trust and no gcpMembers): it is granted nothing on Artifact Registry.',
    ]);
    expect(identities.membersOf('audit')).toEqual([]);
  });

  test('tags layout: one repository, a promoter that pulls and pushes it is bound once as writer; a warning says IAM cannot tell tags apart', () => {
    const tags = validSpec({
      environments: { layout: EnvironmentLayout.TAGS, chain: [{ name: 'dev' }, { name: 'prod' }] },
      access: { promoters: [{ name: 'promoter', gcpMembers: ['group:release@acme.example'] }] },
    });
    const built = build(tags);
    expect(bindings(built.stack)).toEqual(['writer group:release@acme.example @ platform']);
    expect(annotations(built.identities)).toEqual([
      'With the "tags" layout every environment is a tag in the same repository, and IAM cannot tell tags apart: whoever may push (promoter) '
      + 'may move any environment tag (dev, prod). Use the "repositories" layout to separate environments by IAM.',
    ]);
  });

  test('an identity restricted to some images gets the whole repository, with a warning', () => {
    const narrowed = validSpec({ access: { pullers: [{ name: 'api-only', gcpMembers: ['group:api@acme.example'], repositories: ['api'], environments: ['prod'] }] } });
    const built = build(narrowed);
    expect(bindings(built.stack)).toEqual(['reader group:api@acme.example @ platform-prod']);
    expect(annotations(built.identities)).toEqual([
      'Identity "api-only" is restricted to the images api, but Artifact Registry grants roles per repository: it gets access to every image in platform-prod. '
      + 'Use separate registries (spec files) to keep images apart.',
    ]);
  });

  test('service account ids: long names are shortened with a hash, short ones padded, all valid', () => {
    expect(deriveServiceAccountId('platform', 'ci')).toBe('platform-ci');
    expect(deriveServiceAccountId('a', 'b')).toBe('a-b-sa');
    const long = deriveServiceAccountId('very-long-registry-name', 'release-promoter-bot');
    expect(long).toMatch(/^very-long-registry-name-[0-9a-f]{6}$/);
    expect(long.length).toBeLessThanOrEqual(30);
    expect(deriveServiceAccountId('very-long-registry-name', 'release-promoter-bot2')).not.toBe(long);
  });

  test('errors: an invalid prefix, and GitHub identities without a workload identity', () => {
    expect(() => build(spec, { serviceAccountPrefix: '9-Platform' })).toThrow(
      'props.serviceAccountPrefix: "9-Platform" gives identity "ci" the service account id "9-platform-ci", which is not a valid service account id',
    );
    expect(() => build(spec, { noWif: true })).toThrow(/^gcp\.RegistryIdentities stack\/Identities: 1 problem\n {2}- props\.workloadIdentity: is required: identities with a `github` trust need a GithubWorkloadIdentity/);
  });

  test('errors: two identities that derive the same service account id; a grant without its repository', () => {
    const clash = validSpec({
      access: {
        pushers: [{ name: 'a-b', github: { repository: 'o/r', branch: 'main' } }],
        pullers: [{ name: 'a-b-sa', github: { repository: 'o/r', branch: 'main' } }],
      },
    });
    expect(() => build(clash, { serviceAccountPrefix: 'p' })).toThrow('access: "a-b-sa" and identity "a-b" both give the service account id "p-a-b-sa"; rename one');
    const s = testStack();
    const dev = new DockerRepository(s, 'Dev', { repositoryId: 'platform-dev', location: 'us', project: 'acme' });
    const pullers = validSpec({ access: { pullers: [{ name: 'runtime', gcpMembers: ['group:rt@acme.example'], environments: ['prod'] }] } });
    expect(() => new RegistryIdentities(s, 'I', { spec: pullers, project: 'acme', repositories: { dev } }))
      .toThrow('props.repositories: ["dev"] has no repository for environment "prod" (granted to "runtime")');
  });

  test('snapshot', () => {
    expect(synthesized).toMatchSnapshot();
  });
});

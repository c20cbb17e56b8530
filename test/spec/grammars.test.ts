import { spawnSync } from 'child_process';
import { tmpdir } from 'os';
import * as fc from 'fast-check';
import { validSpec } from './fixtures';
import { Cloud, EncryptionType, IdentitySpec, RegistrySpec, SpecLoader, SpecValidator, UpstreamRegistry } from '../../src/spec';
import { gitRefNameProblem } from '../../src/spec/grammars';

const render = (spec: RegistrySpec, clouds?: Cloud[]) => SpecValidator.validate(spec, { clouds }).problems.map((p) => `${p.path}: ${p.value} ${p.message}`);
const withPusher = (identity: Partial<IdentitySpec>, role: 'pushers' | 'pullers' | 'promoters' = 'pushers') =>
  validSpec({ access: { [role]: [{ name: 'x', ...identity }] } });
const gh = (github: object, role: 'pushers' | 'pullers' | 'promoters' = 'pushers') => withPusher({ github: github as any }, role);
const cmk = (encryption: object) => validSpec({ encryption: { type: EncryptionType.CUSTOMER_MANAGED, ...encryption } });
const cache = (c: object) => validSpec({ upstreamCaches: [{ name: 'mirror', ...c } as any] });

describe('every string is checked against the grammar of what it becomes', () => {
  // One row per class of bad string: the spec, the clouds validated, the message expected.
  test.each<[string, RegistrySpec, Cloud[] | undefined, RegExp]>([
    // GitHub repository (owner/name)
    ['a repository URL', gh({ repository: 'https://github.com/o/r', branch: 'main' }), undefined,
      /^access\.pushers\[0\]\.github\.repository: "https:\/\/github\.com\/o\/r" is a URL; write a GitHub repository \(owner\/name\)/],
    ['an owner with a dot', gh({ repository: 'my.org/r', branch: 'main' }), undefined, /github\.repository: "my\.org\/r" has the owner "my\.org", not a GitHub user or organization name/],
    ['an owner too long', gh({ repository: `${'a'.repeat(40)}/r`, branch: 'main' }), undefined, /has the owner "a{40}", not a GitHub user/],
    ['a name with a space', gh({ repository: 'o/my repo', branch: 'main' }), undefined, /has the name "my repo", not a GitHub repository name/],
    ['a name ending in .git', gh({ repository: 'o/r.git', branch: 'main' }), undefined, /ends with "\.git", which is not part of the repository name; write o\/r$/],
    // branch
    ['a full branch ref', gh({ repository: 'o/r', branch: 'refs/heads/main' }), undefined,
      /^access\.pushers\[0\]\.github\.branch: "refs\/heads\/main" is a full git ref; write the branch name only: branch: "main"/],
    ['a tag ref as a branch', gh({ repository: 'o/r', branch: 'refs/tags/v1' }), undefined, /github\.branch: "refs\/tags\/v1" is a full git ref; write the tag name only: tag: "v1"/],
    ['an empty branch', gh({ repository: 'o/r', branch: '' }), undefined, /^access\.pushers\[0\]\.github\.branch: "" is empty; give the branch name \(main\)/],
    ['a branch git refuses', gh({ repository: 'o/r', branch: 'feature..x' }), undefined, /github\.branch: "feature\.\.x" is not a git branch name: it contains "\.\."/],
    ['a branch glob', gh({ repository: 'o/r', branch: 'release/*' }), undefined, /github\.branch: "release\/\*" is not a git branch name: it contains a character git refuses/],
    ['a policy variable on AWS', gh({ repository: 'o/r', branch: 'a${x}' }), [Cloud.AWS], /github\.branch: .* contains "\$\{", which an AWS trust policy would read as a policy variable/],
    ['a subject over 127 bytes on GCP', gh({ repository: `o/${'r'.repeat(100)}`, branch: 'release-1' }), [Cloud.GCP],
      /github\.branch: "release-1" gives the subject "repo:o\/r+\.\.\.", 132 bytes; Workload Identity Federation refuses a google\.subject over 127 bytes/],
    // environment
    ['an empty environment', gh({ repository: 'o/r', environment: '' }), undefined, /github\.environment: "" is not a GitHub environment name \(1-255 characters\)/],
    ['an environment too long', gh({ repository: 'o/r', environment: 'e'.repeat(256) }), undefined, /github\.environment: "e+\.\.\. is not a GitHub environment name/],
    ['an environment with spaces around', gh({ repository: 'o/r', environment: ' prod' }), undefined, /has control characters or leading or trailing spaces/],
    ['an environment with a wildcard on AWS', gh({ repository: 'o/r', environment: 'prod*' }), [Cloud.AWS], /github\.environment: "prod\*" has \* or \?, which an AWS trust policy would read as wildcards/],
    // tag patterns, per cloud
    ['a full tag ref', gh({ repository: 'o/r', tag: 'refs/tags/v*' }), undefined, /github\.tag: "refs\/tags\/v\*" is a full git ref; write the tag name only: tag: "v\*"/],
    ['a ? in a trust tag', gh({ repository: 'o/r', tag: 'v?' }), undefined, /github\.tag: "v\?" has "\?", which is not a wildcard of the spec/],
    ['a tag git refuses', gh({ repository: 'o/r', tag: 'v1~2' }), undefined, /github\.tag: "v1~2" is not a git tag name/],
    ['a wildcard tag on Azure', gh({ repository: 'o/r', tag: 'v*' }), [Cloud.AZURE], /^access\.pushers\[0\]\.github\.tag: "v\*" has a wildcard; Entra federated identity credentials match the subject exactly/],
    // AWS principals; issue 13 item 6: whole accounts and wildcards never push or promote
    ['a whole account as a pusher', withPusher({ awsPrincipalArns: ['arn:aws:iam::111122223333:root'] }), undefined,
      /^access\.pushers\[0\]\.awsPrincipalArns\[0\]: "arn:aws:iam::111122223333:root" is a whole AWS account; pushers must be IAM principals \(a role or a user\): name the role that pushes, such as arn:aws:iam::111122223333:role\/<name>/],
    ['a whole account as a promoter', withPusher({ awsPrincipalArns: ['arn:aws-cn:iam::111122223333:root'] }, 'promoters'), undefined,
      /^access\.promoters\[0\]\.awsPrincipalArns\[0\]: .* is a whole AWS account; promoters must be IAM principals .*name the role that promotes/],
    ['a wildcard principal', withPusher({ awsPrincipalArns: ['*'] }, 'pullers'), undefined, /awsPrincipalArns\[0\]: "\*" is a wildcard; name an IAM role or user ARN/],
    ['a wildcard in a role ARN', withPusher({ awsPrincipalArns: ['arn:aws:iam::111122223333:role/ci-*'] }), undefined, /awsPrincipalArns\[0\]: .* is a wildcard/],
    ['an STS session', withPusher({ awsPrincipalArns: ['arn:aws:sts::111122223333:assumed-role/ci/s'] }), undefined, /is an STS session, not a durable principal/],
    ['a non-IAM ARN', withPusher({ awsPrincipalArns: ['arn:aws:s3:::bucket'] }), undefined, /awsPrincipalArns\[0\]: "arn:aws:s3:::bucket" is not an IAM role or user ARN/],
    ['an unknown partition', withPusher({ awsPrincipalArns: ['arn:aws-moon:iam::111122223333:role/ci'] }), undefined, /is not an IAM role or user ARN/],
    // GCP members: no public or wildcard members
    ['allUsers', withPusher({ gcpMembers: ['allUsers'] }, 'pullers'), undefined, /gcpMembers\[0\]: "allUsers" is a public member; the spec grants only named principals/],
    ['allAuthenticatedUsers', withPusher({ gcpMembers: ['allAuthenticatedUsers'] }, 'pullers'), undefined, /"allAuthenticatedUsers" is a public member/],
    ['a whole pool', withPusher({ gcpMembers: ['principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/*'] }, 'pullers'), undefined,
      /covers every identity of a pool \(a wildcard member\)/],
    ['a user without an email', withPusher({ gcpMembers: ['user:alice'] }, 'pullers'), undefined, /gcpMembers\[0\]: "user:alice" is not user:<email>/],
    ['a service account that is not one', withPusher({ gcpMembers: ['serviceAccount:ci@example.com'] }, 'pullers'), undefined, /is not a service account email/],
    ['a deleted member', withPusher({ gcpMembers: ['deleted:user:a@b.c?uid=1'] }, 'pullers'), undefined, /is not allowed here/],
    // KMS keys: service, partition, region
    ['an AWS alias ARN', cmk({ awsKmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:alias/registry' }), undefined, /encryption\.awsKmsKeyArn: .* is a KMS alias ARN; ECR encryption and the key grants need the key ARN/],
    ['an AWS ARN of another service', cmk({ awsKmsKeyArn: 'arn:aws:s3:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555' }), undefined, /names the service "s3"/],
    ['an AWS key without a region', cmk({ awsKmsKeyArn: 'arn:aws:kms::111122223333:key/11111111-2222-3333-4444-555555555555' }), undefined, /has "" as its region/],
    ['an AWS key id that is not one', cmk({ awsKmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/abc' }), undefined, /has a key id that is neither a UUID nor a multi-Region key id/],
    ['a GCP key version', cmk({ gcpKmsKeyName: 'projects/acme-kms/locations/europe/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1' }), undefined, /is not a Cloud KMS key name .*no \/cryptoKeyVersions\/ suffix/],
    ['a global GCP key', cmk({ gcpKmsKeyName: 'projects/acme-kms/locations/global/keyRings/r/cryptoKeys/k' }), undefined, /is a global key; Artifact Registry needs a key in the repository's location/],
    ['a GCP key in a bad project', cmk({ gcpKmsKeyName: 'projects/Acme/locations/europe/keyRings/r/cryptoKeys/k' }), undefined, /has the project "Acme", not a project id/],
    ['an Azure secret instead of a key', cmk({ azureKeyVaultKeyId: 'https://kv1.vault.azure.net/secrets/acr' }), undefined, /encryption\.azureKeyVaultKeyId: .* is not a Key Vault key id/],
    ['an Azure key in another domain', cmk({ azureKeyVaultKeyId: 'https://kv1.example.com/keys/acr' }), undefined, /is not a Key Vault key id/],
    ['an Azure key version that is not one', cmk({ azureKeyVaultKeyId: 'https://kv1.vault.azure.net/keys/acr/latest' }), undefined, /has the version "latest", not a Key Vault key version/],
    // upstream URLs
    ['a URL on a preset upstream', cache({ upstream: UpstreamRegistry.QUAY, url: 'https://quay.io' }), undefined, /upstreamCaches\[0\]\.url: "https:\/\/quay\.io" is not taken by upstream "quay", which has a fixed address/],
    ['http', cache({ upstream: UpstreamRegistry.CUSTOM, url: 'http://registry.example.com' }), [Cloud.GCP], /has the scheme "http"; upstream registries are reached over https/],
    ['not a URL', cache({ upstream: UpstreamRegistry.CUSTOM, url: 'registry.example.com' }), [Cloud.GCP], /"registry\.example\.com" is not a URL/],
    ['a query', cache({ upstream: UpstreamRegistry.CUSTOM, url: 'https://registry.example.com/?a=b' }), [Cloud.GCP], /has a query/],
    ['a fragment', cache({ upstream: UpstreamRegistry.CUSTOM, url: 'https://registry.example.com#x' }), [Cloud.GCP], /has a fragment/],
    ['a host that is not one', cache({ upstream: UpstreamRegistry.CUSTOM, url: 'https://registry_1' }), [Cloud.GCP], /has the host "registry_1", not a DNS name/],
    ['a path on Azure', cache({ upstream: UpstreamRegistry.CUSTOM, url: 'https://registry.example.com/v2/team' }), [Cloud.AZURE], /has the path "\/v2\/team"; ACR caches take a registry host only/],
    // names the library derives
    ['an identity name that derives the same GCP service account as another', validSpec({ access: { pullers: [{ name: 'ci-', gcpMembers: ['user:a@b.c'] }] } }), undefined,
      /^access\.pullers\[0\]\.name: "ci-" is not a valid identity name \(lower-case letters, digits and single hyphens between them/],
    ['an identity name with two hyphens', validSpec({ access: { pullers: [{ name: 'a--b', gcpMembers: ['user:a@b.c'] }] } }), undefined, /"a--b" is not a valid identity name/],
    ['a cache name ending with a hyphen', cache({ name: 'hub-', upstream: UpstreamRegistry.QUAY }), undefined, /^upstreamCaches\[0\]\.name: "hub-" is not a valid cache name/],
    ['an environment named like the virtual repository', validSpec({ environments: { chain: [{ name: 'dev' }, { name: 'virtual' }] } }), [Cloud.GCP],
      /environments\.chain\[1\]\.name: "virtual" gives the Artifact Registry repository id "platform-virtual", the id of the virtual repository/],
  ])('%s', (_name, spec, clouds, expected) => {
    expect(render(spec, clouds)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  test('valid strings of each class pass (negative control of the table above)', () => {
    const spec = validSpec({
      encryption: {
        type: EncryptionType.CUSTOMER_MANAGED,
        awsKmsKeyArn: 'arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef',
        gcpKmsKeyName: 'projects/acme-kms/locations/europe-west1/keyRings/registry/cryptoKeys/images',
        azureKeyVaultKeyId: 'https://kv1.vault.azure.net/keys/acr/0123456789abcdef0123456789abcdef',
      },
      upstreamCaches: [{ name: 'mirror', upstream: UpstreamRegistry.CUSTOM, url: 'https://registry.example.com' }],
      access: {
        pushers: [
          { name: 'ci', github: { repository: 'Example-Org/platform.api_v2', branch: 'release/1.x' } },
          { name: 'bot', awsPrincipalArns: ['arn:aws:iam::111122223333:role/service-role/ci+bot@x', 'arn:aws:iam::111122223333:user/builder'] },
        ],
        pullers: [
          { name: 'runtime', awsPrincipalArns: ['arn:aws:iam::111122223333:root'], gcpMembers: ['serviceAccount:gke@acme.iam.gserviceaccount.com', 'group:ops@acme.example', 'domain:acme.example', 'principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/attribute.team/ops'] },
        ],
        promoters: [{ name: 'release', github: { repository: 'example/platform', environment: 'Production EU' } }],
      },
    });
    // Custom upstreams are refused by ECR as a whole (a feature check, not a grammar): leave AWS out for the URL.
    expect(render(spec, [Cloud.GCP, Cloud.AZURE])).toEqual([]);
    expect(render({ ...spec, upstreamCaches: [] }, [Cloud.AWS])).toEqual([]);
    expect(render(gh({ repository: 'o/r', tag: 'v*' }), [Cloud.AWS, Cloud.GCP])).toEqual([]);
    // exactly 127 bytes of subject: accepted (the limit is inclusive)
    expect(render(gh({ repository: `o/${'r'.repeat(100)}`, branch: 'main' }), [Cloud.GCP])).toEqual([]);
  });

  test('an upstream URL with credentials is refused without copying the credentials into the message', () => {
    const messages = render(cache({ upstream: UpstreamRegistry.CUSTOM, url: 'https://bob:s3cret@registry.example.com' }), [Cloud.GCP]);
    expect(messages).toEqual([expect.stringMatching(/^upstreamCaches\[0\]\.url: "https:\/\/<redacted>@registry\.example\.com" has credentials in it; never put them in the spec/)]);
    expect(messages.join('\n')).not.toMatch(/s3cret|bob/);
  });

  test('credentials in a URL never reach a message from any field, nor from the loader', () => {
    const spec = cache({ upstream: UpstreamRegistry.QUAY, url: 'https://bob:s3cret@quay.io' });
    expect(render(spec).join('\n')).toMatch(/"https:\/\/<redacted>@quay\.io" is not taken by upstream "quay"/);
    const loaded = SpecLoader.load('name: platform\nrepositories: [{name: api}]\nupstreamCaches:\n  - { name: m, upstream: custom, urll: "https://bob:s3cret@r.example.com/x" }\n');
    const text = SpecValidator.formatProblems(loaded.problems, 'spec');
    expect(text).toMatch(/line 4: upstreamCaches\[0\]\.urll: "https:\/\/<redacted>@r\.example\.com\/x" is not a known field/);
    expect(text).not.toMatch(/s3cret|bob/);
  });

  // git itself is the independent oracle of branch names: `git check-ref-format --branch <name>`.
  // One `sh` runs git once per name (names are arguments, never parsed by the shell), instead of
  // one spawn from the jest worker per name; the verdicts of the 400 samples are computed once.
  const gitVerdicts = new Map<string, boolean[]>();
  const gitAccepts = (names: string[]): boolean[] => {
    const key = JSON.stringify(names);
    if (!gitVerdicts.has(key)) {
      const res = spawnSync('sh', ['-c', 'for n in "$@"; do if git check-ref-format --branch "$n" >/dev/null 2>&1; then echo 1; else echo 0; fi; done', 'sh', ...names], { cwd: tmpdir(), encoding: 'utf8' });
      const verdicts = res.stdout.split('\n').filter((l) => l !== '').map((l) => l === '1');
      expect([res.status, verdicts.length]).toEqual([0, names.length]);
      gitVerdicts.set(key, verdicts);
    }
    return gitVerdicts.get(key)!;
  };
  const refName = fc.array(fc.constantFrom('a', 'b', '1', '.', '/', '-', '@', '{', '}', '~', '^', ':', '?', '*', '[', '\\', ' ', '\t', 'l', 'o', 'c', 'k', '.lock', '..', '@{'), { minLength: 1, maxLength: 8 })
    .map((parts) => parts.join(''));
  const samples = fc.sample(refName, { seed: 15, numRuns: 400 });

  test('branch names: the grammar agrees with git check-ref-format on 400 generated names', () => {
    const verdicts = gitAccepts(samples);
    const ours = samples.map((n) => gitRefNameProblem(n) === undefined);
    const disagreements = samples.filter((_, i) => verdicts[i] !== ours[i]);
    expect(disagreements).toEqual([]);
    // The generator produced both kinds, so the property cannot pass vacuously.
    expect(verdicts.filter((v) => v).length).toBeGreaterThan(40);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThan(40);
  });

  test('negative control: a grammar that forgets one git rule disagrees with git on the same samples', () => {
    const verdicts = gitAccepts(samples);
    const weakened = (n: string) => gitRefNameProblem(n.replace(/\.lock/g, 'xlock')) === undefined; // drops the ".lock" rule
    expect(samples.filter((n, i) => weakened(n) !== verdicts[i]).length).toBeGreaterThan(0);
  });
});

describe('a trust tag validate accepts for a cloud is one that cloud accepts later', () => {
  test('Azure: every tag RegistryIdentities.problems refuses, validate --cloud azure refuses first (300 generated tags)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { RegistryIdentities } = require('../../src/azure/registry-identities');
    const tag = fc.array(fc.constantFrom('v', '1', '.', '*', '-', 'x', '?', '/'), { minLength: 1, maxLength: 6 }).map((p) => p.join(''));
    let refusedByAzure = 0;
    fc.assert(fc.property(tag, (t) => {
      const spec = gh({ repository: 'o/r', tag: t });
      const later = RegistryIdentities.problems(spec) as string[];
      const now = SpecValidator.validate(spec, { clouds: [Cloud.AZURE] }).problems.filter((p) => p.path.startsWith('access.pushers[0].github'));
      if (later.length > 0) refusedByAzure++;
      return later.length === 0 || now.length > 0;
    }), { seed: 15, numRuns: 300 });
    expect(refusedByAzure).toBeGreaterThan(30);
  });
});

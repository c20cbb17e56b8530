import * as fc from 'fast-check';
import { validSpec } from './fixtures';
import { Cloud, EnvironmentLayout, RegistrySpec, ScanMode, Severity, SpecLoader, SpecValidator, TagState, UpstreamRegistry } from '../../src/spec';

const problemsOf = (spec: RegistrySpec, clouds?: Cloud[]) => SpecValidator.validate(spec, { clouds }).problems;
const render = (spec: RegistrySpec, clouds?: Cloud[]) => problemsOf(spec, clouds).map((p) => `${p.path}: ${p.value} ${p.message}`);

describe('SpecValidator', () => {
  test('scanning.allowedVulnerabilities takes CVE and GitHub advisory ids, at registry and repository level', () => {
    const spec = validSpec();
    const ok: RegistrySpec = {
      ...spec,
      scanning: { severityThreshold: 'high' as any, allowedVulnerabilities: ['CVE-2024-3094', 'CVE-2021-44228', 'GHSA-jfh8-c2jp-5v3q'] },
    };
    expect(problemsOf(ok)).toEqual([]);
    const bad: RegistrySpec = {
      ...spec,
      scanning: { allowedVulnerabilities: ['cve-2024-3094', 'CVE-2024-1', 'GHSA-xxxx-yyyy-zzzz'] },
      repositories: [{ ...spec.repositories[0], scanning: { allowedVulnerabilities: ['CVE-2024-3094 '] } }, ...spec.repositories.slice(1)],
    };
    expect(render(bad)).toEqual([
      'repositories[0].scanning.allowedVulnerabilities[0]: "CVE-2024-3094 " is not a vulnerability id (CVE-YYYY-NNNN or GHSA-xxxx-xxxx-xxxx)',
      'scanning.allowedVulnerabilities[0]: "cve-2024-3094" is not a vulnerability id (CVE-YYYY-NNNN or GHSA-xxxx-xxxx-xxxx)',
      'scanning.allowedVulnerabilities[1]: "CVE-2024-1" is not a vulnerability id (CVE-YYYY-NNNN or GHSA-xxxx-xxxx-xxxx)',
      'scanning.allowedVulnerabilities[2]: "GHSA-xxxx-yyyy-zzzz" is not a vulnerability id (CVE-YYYY-NNNN or GHSA-xxxx-xxxx-xxxx)',
    ]);
  });

  test('a valid spec has no problem', () => {
    expect(problemsOf(validSpec())).toEqual([]);
    expect(() => SpecValidator.assertValid(validSpec())).not.toThrow();
  });

  // Each class of bad input produces its own message with the path, the value and what is allowed.
  test.each<[string, Partial<RegistrySpec>, RegExp]>([
    ['bad repository name', { repositories: [{ name: 'api' }, { name: 'web' }, { name: 'My_App' }] },
      /^repositories\[2\]\.name: "My_App" is not a valid repository name \(lower-case letters, digits, and \. _ - \/ separators\)$/],
    ['duplicate repository', { repositories: [{ name: 'api' }, { name: 'api' }] }, /^repositories\[1\]\.name: "api" is listed twice/],
    ['no repositories', { repositories: [] }, /^repositories: \[\] must list at least one repository/],
    ['bad registry name', { name: 'Platform_1' }, /^name: "Platform_1" is not a valid registry name/],
    ['a registry name ECR cannot take', { name: 'my--platform' }, /^name: "my--platform" has two separators in a row, which ECR repository names do not allow/],
    ['unsupported version', { version: 2 }, /^version: 2 is not a supported spec version \(supported: 1\)/],
    ['duplicate environment', { environments: { chain: [{ name: 'dev' }, { name: 'dev' }] } }, /^environments\.chain\[1\]\.name: "dev" is listed twice/],
    ['empty chain', { environments: { chain: [] } }, /^environments\.chain: \[\] must list at least one environment/],
    ['tagged rule without patterns', { retention: { rules: [{ tagState: TagState.TAGGED, keepMostRecent: 3 }] } },
      /^retention\.rules\[0\]\.tagPatterns: undefined is required with tagState "tagged"/],
    ['patterns on an untagged rule', { retention: { rules: [{ tagState: TagState.UNTAGGED, tagPatterns: ['x'], expireAfterDays: 3 }] } },
      /^retention\.rules\[0\]\.tagPatterns: \["x"\] is only allowed with tagState "tagged"/],
    ['two actions', { retention: { rules: [{ tagState: TagState.ANY, keepMostRecent: 3, expireAfterDays: 3 }] } },
      /^retention\.rules\[0\]: \{"keepMostRecent":3,"expireAfterDays":3\} needs exactly one criterion: keepMostRecent, expireAfterDays, keepMostRecentlyPulled, notPulledForDays, archivedForDays \(got keepMostRecent and expireAfterDays\)/],
    ['zero count', { retention: { rules: [{ tagState: TagState.ANY, keepMostRecent: 0 }] } },
      /^retention\.rules\[0\]\.keepMostRecent: 0 must be a whole number of images, at least 1/],
    ['fractional days', { retention: { rules: [{ tagState: TagState.ANY, expireAfterDays: 1.5 }] } },
      /^retention\.rules\[0\]\.expireAfterDays: 1\.5 must be a whole number of days/],
    ['five wildcards on ECR', { retention: { protectedTags: ['*a*b*c*d*'] } }, /^retention\.protectedTags\[0\]: "\*a\*b\*c\*d\*" has 5 wildcards; ECR allows at most 4/],
    ['bad tag pattern', { tagPolicy: { mutableTags: ['la test'] } }, /^tagPolicy\.mutableTags\[0\]: "la test" is not a valid tag pattern/],
    ['github trust without ref', { access: { pushers: [{ name: 'ci', github: { repository: 'o/r' } }] } },
      /^access\.pushers\[0\]\.github: .* must restrict the trust to exactly one of branch, environment or tag/],
    ['bad github repository', { access: { pushers: [{ name: 'ci', github: { repository: 'nope', branch: 'main' } }] } },
      /^access\.pushers\[0\]\.github\.repository: "nope" is not a GitHub repository \(owner\/name\)/],
    ['identity granting nobody', { access: { pullers: [{ name: 'runtime' }] } }, /^access\.pullers\[0\]: "runtime" grants nobody/],
    ['bad account id', { access: { pullers: [{ name: 'x', awsAccountIds: ['1234'] }] } }, /^access\.pullers\[0\]\.awsAccountIds\[0\]: "1234" is not a 12-digit AWS account id/],
    ['accounts on pushers', { access: { pushers: [{ name: 'x', awsAccountIds: ['111122223333'] }] } }, /^access\.pushers\[0\]\.awsAccountIds: .* is only allowed for pullers/],
    ['unknown environment', { access: { pullers: [{ name: 'x', gcpMembers: ['user:a@b.c'], environments: ['qa'] }] } },
      /^access\.pullers\[0\]\.environments\[0\]: "qa" is not an environment of the chain \(dev, staging, prod\)/],
    ['repository glob matching nothing', { access: { pullers: [{ name: 'x', gcpMembers: ['user:a@b.c'], repositories: ['billing*'] }] } },
      /^access\.pullers\[0\]\.repositories\[0\]: "billing\*" matches no repository/],
    ['bad GCP member', { access: { pullers: [{ name: 'x', gcpMembers: ['a@b.c'] }] } }, /^access\.pullers\[0\]\.gcpMembers\[0\]: "a@b.c" is not an IAM member/],
    ['bad Azure principal', { access: { pullers: [{ name: 'x', azurePrincipalIds: ['abc'] }] } }, /^access\.pullers\[0\]\.azurePrincipalIds\[0\]: "abc" is not an Azure principal/],
    ['promoters without a chain', { environments: undefined, access: { promoters: [{ name: 'p', gcpMembers: ['user:a@b.c'] }] } }, /^access\.promoters: \["p"\] need a promotion chain/],
    ['ECR secret without prefix', { upstreamCaches: [{ name: 'hub', upstream: UpstreamRegistry.DOCKER_HUB, awsSecretName: 'dockerhub' }] },
      /^upstreamCaches\[0\]\.awsSecretName: "dockerhub" must start with "ecr-pullthroughcache\/"/],
    ['custom upstream without url', { upstreamCaches: [{ name: 'mirror', upstream: UpstreamRegistry.CUSTOM }] }, /^upstreamCaches\[0\]\.url: undefined is required with upstream "custom"/],
    ['key without customer-managed type', { encryption: { awsKmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/abc' } }, /^encryption\.awsKmsKeyArn: .* is only used with encryption\.type "customer-managed"/],
    ['bad replica region', { replication: { replicas: [{ region: 'Europe West', cloud: Cloud.AWS }] } }, /^replication\.replicas\[0\]\.region: "Europe West" is not an AWS region/],
    ['bad GCP label', { labels: { Team: 'platform' } }, /^labels\.Team: "Team" is not a valid GCP label key/],
    // One name is one identity on every cloud: two roles would merge their trusts and permissions.
    ['a pusher that is also a promoter', {
      access: {
        pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }],
        promoters: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }],
      },
    }, /^access: "ci" is both a pusher and a promoter/],
    ['one name with two trusts', {
      access: {
        pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }],
        pullers: [{ name: 'ci', github: { repository: 'o/other', branch: 'main' } }],
      },
    }, /^access: "ci" is used in pushers and pullers with different github trusts/],
    ['names that collide as AWS output ids', { access: { pullers: [{ name: 'ci-a', gcpMembers: ['user:a@b.c'] }, { name: 'cia', gcpMembers: ['user:a@b.c'] }] } },
      /^access: "cia" and "ci-a" give the same AWS output id \(AWSROLEARNCIA/],
    ['a cache named like an environment', { upstreamCaches: [{ name: 'dev', upstream: UpstreamRegistry.QUAY }] }, /^upstreamCaches\[0\]\.name: "dev" is an environment name/],
    ['a cache named like the first segment of an image', { upstreamCaches: [{ name: 'jobs', upstream: UpstreamRegistry.QUAY }] },
      /^upstreamCaches\[0\]\.name: "jobs" is also the first path segment of a repository name/],
    ['a cache prefix too long for ECR', { upstreamCaches: [{ name: 'quay-mirror-of-everything', upstream: UpstreamRegistry.QUAY }] },
      /^upstreamCaches\[0\]\.name: "quay-mirror-of-everything" gives the ECR pull-through cache prefix "platform\/quay-mirror-of-everything", longer than 30/],
  ])('%s', (_name, overrides, expected) => {
    const messages = render(validSpec(overrides));
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  test('reports every problem at once, and assertValid lists them all in one error', () => {
    const spec = validSpec({
      name: 'Bad_Name',
      repositories: [{ name: 'Api' }, { name: 'web' }],
      retention: { rules: [{ tagState: TagState.ANY, keepMostRecent: 0 }] },
    });
    expect(problemsOf(spec).map((p) => p.path)).toEqual(['name', 'repositories[0].name', 'retention.rules[0].keepMostRecent']);
    expect(() => SpecValidator.assertValid(spec)).toThrow(/Invalid registry spec "Bad_Name": 3 problems\n {2}- name: "Bad_Name".*\n {2}- repositories\[0\]\.name: "Api".*\n {2}- retention\.rules\[0\]\.keepMostRecent: 0/);
  });

  test('per-cloud naming limits apply only to the clouds asked for', () => {
    // 5-50 alphanumerics for ACR: "ab" is too short for Azure, fine for AWS and GCP.
    const spec = validSpec({ name: 'ab' });
    expect(render(spec, [Cloud.AZURE])).toEqual([expect.stringMatching(/^name: "ab" gives the ACR registry name "ab": ACR names are 5-50 letters and digits/)]);
    expect(problemsOf(spec, [Cloud.AWS, Cloud.GCP])).toEqual([]);
    // 63 characters for an Artifact Registry repository id, environment suffix included.
    const long = validSpec({ name: 'a'.repeat(60) });
    expect(render(long, [Cloud.GCP])).toEqual(expect.arrayContaining([expect.stringMatching(/gives the Artifact Registry repository id "a{60}-staging" in environment "staging", longer than 63 characters/)]));
    // ECR pull-through caches need credentials for Docker Hub, GCP does not ask.
    const hub = validSpec({ upstreamCaches: [{ name: 'hub', upstream: UpstreamRegistry.DOCKER_HUB }] });
    expect(render(hub, [Cloud.AWS])).toEqual([expect.stringMatching(/^upstreamCaches\[0\]\.awsSecretName: undefined is required on AWS/)]);
    expect(problemsOf(hub, [Cloud.GCP])).toEqual([]);
  });

  test('unresolved CDK and CDKTF tokens are skipped', () => {
    const spec = validSpec({
      access: { pullers: [{ name: 'x', awsAccountIds: ['${Token[TOKEN.12]}'], azurePrincipalIds: ['${TfToken[TOKEN.3]}'] }] },
      encryption: { type: 'customer-managed' as any, awsKmsKeyArn: '${Token[TOKEN.99]}' },
    });
    expect(problemsOf(spec)).toEqual([]);
  });

  // Property: any spec built from valid parts validates; breaking one repository
  // name yields exactly one problem, at that repository's path.
  test('valid parts validate; one broken name yields exactly its problem (property)', () => {
    const segment = fc.stringMatching(/^[a-z0-9]{1,8}([._-][a-z0-9]{1,5})?$/);
    const imageName = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
    fc.assert(fc.property(
      fc.uniqueArray(imageName, { minLength: 1, maxLength: 12 }),
      fc.nat(),
      fc.constantFrom('UPPER', 'a//b', '-lead', 'trail-', 'sp ace', 'a..b'),
      (names, index, bad) => {
        const spec = validSpec({ repositories: names.map((name) => ({ name })), access: undefined });
        expect(problemsOf(spec)).toEqual([]);
        const i = index % names.length;
        const broken = validSpec({ repositories: names.map((name, j) => ({ name: j === i ? bad : name })), access: undefined });
        const problems = problemsOf(broken);
        expect(problems.map((p) => p.path)).toEqual([`repositories[${i}].name`]);
        expect(problems[0].value).toBe(JSON.stringify(bad));
      },
    ), { seed: 20261126, numRuns: 300 });
  });
});

describe('SpecValidator: specs of the wrong shape, as JavaScript may give them', () => {
  test.each([
    [{ name: 'platform', repositories: 'api' }, 'repositories: "api" has the wrong type: expected a list, got a string'],
    [{ name: 'platform', repositories: [{ name: 'api' }], access: { pushers: { name: 'ci' } } }, 'access.pushers: {"name":"ci"} has the wrong type: expected a list, got a map'],
    [{ name: 'platform', repositories: [{ name: 'api' }], upstreamCaches: 'docker-hub' }, 'upstreamCaches: "docker-hub" has the wrong type: expected a list, got a string'],
    [{ name: 42, repositories: [{ name: 'api' }] }, 'name: 42 has the wrong type: expected a string, got a number'],
    [{ name: 'platform', repositories: [{ name: 'api', retention: 'x' }] }, 'repositories[0].retention: "x" has the wrong type: expected a map, got a string'],
  ])('%j: a problem naming the field, never a TypeError', (spec, message) => {
    const problems = SpecValidator.validate(spec as any).problems.map((p) => `${p.path}: ${p.value} ${p.message}`);
    expect(problems).toContain(message);
  });

  // Hostile-user sweep: a Set, Map or Date has no own keys, so it passed the shape check as an empty map.
  test.each<[string, any, string]>([
    ['a Set of labels', { labels: new Set(['a']) }, 'labels: {} has the wrong type: expected a map, got a Set'],
    ['a Map of labels', { labels: new Map([['team', 'x']]) }, 'labels: {} has the wrong type: expected a map, got a Map'],
    ['a Date as the network section', { network: new Date(0) }, 'network: "1970-01-01T00:00:00.000Z" has the wrong type: expected a map, got a Date'],
    ['bytes as a name', { name: Buffer.from('platform') }, 'has the wrong type: expected a string, got binary data'],
  ])('%s is a problem naming the field', (_, fields, message) => {
    const problems = SpecValidator.validate({ name: 'platform', repositories: [{ name: 'api' }], ...fields }).problems.map((p) => `${p.path}: ${p.value} ${p.message}`);
    expect(problems).toEqual([expect.stringContaining(message)]);
  });

  test('negative control: a map made without a prototype is a map', () => {
    const labels = Object.assign(Object.create(null), { team: 'platform' });
    expect(SpecValidator.validate({ name: 'platform', repositories: [{ name: 'api' }], labels }).problems).toEqual([]);
  });

  test('fields set to undefined are fields not given', () => {
    expect(SpecValidator.validate({ name: 'platform', repositories: [{ name: 'api', description: undefined }], retention: undefined }).problems).toEqual([]);
  });

  test('assertValid throws one ProblemsError with every problem', () => {
    let error: any;
    try {
      SpecValidator.assertValid({ name: 'Bad_Name', repositories: 'api' } as any);
    } catch (e) {
      error = e;
    }
    expect(error.name).toBe('ProblemsError');
    expect(error.problems.length).toBe(2);
    expect(error.message).toMatch(/^Invalid registry spec "Bad_Name": 2 problems\n/);
  });
});

// Hostile-user sweep (issue 15's classes): lists that grant nothing or repeat themselves, and credential
// references checked only by a prefix; each was accepted.
describe('SpecValidator: identity lists and credential references', () => {
  const gh = { repository: 'example/platform', branch: 'main' };
  const access = (pullers: any[], promoters: any[] = []) => validSpec({
    access: { pushers: [{ name: 'ci', github: gh }], pullers, promoters },
  });
  const hub = (fields: any) => validSpec({ upstreamCaches: [{ name: 'hub', upstream: UpstreamRegistry.DOCKER_HUB, awsSecretName: 'ecr-pullthroughcache/hub', ...fields }] });

  test.each<[string, RegistrySpec, string]>([
    // `environments: []` is not "every environment": the promoter performed no hop (promote-scripts then refused).
    ['a promoter with no environment', access([], [{ name: 'promoter', environments: [], github: { repository: 'example/platform', environment: 'prod' } }]),
      'access.promoters[0].environments: [] is empty, so the identity gets no environment: list its environments, or leave environments out for every one'],
    ['a puller with no repository', access([{ name: 'rt', repositories: [], awsAccountIds: ['111122223333'] }]),
      'access.pullers[0].repositories: [] is empty, so the identity gets no repository: list its repositories (globs), or leave repositories out for every one'],
    ['an environment listed twice', access([], [{ name: 'promoter', environments: ['prod', 'prod'], github: { repository: 'example/platform', environment: 'prod' } }]),
      'access.promoters[0].environments[1]: "prod" is listed twice in environments; list each once'],
    ['a repository glob listed twice', access([{ name: 'rt', repositories: ['api', 'jobs/*', 'api'], awsAccountIds: ['111122223333'] }]),
      'access.pullers[0].repositories[2]: "api" is listed twice in repositories; list each once'],
    // Only the prefix was checked: a secret named "ecr-pullthroughcache/" alone, or with a space.
    ['an ECR secret with no name after the prefix', hub({ awsSecretName: 'ecr-pullthroughcache/' }),
      'upstreamCaches[0].awsSecretName: "ecr-pullthroughcache/" is not a Secrets Manager secret name: "ecr-pullthroughcache/" and a name of ASCII letters, digits and / _ + = . @ - (at most 512 characters)'],
    ['an ECR secret with a space', hub({ awsSecretName: 'ecr-pullthroughcache/docker hub' }), 'upstreamCaches[0].awsSecretName: "ecr-pullthroughcache/docker hub" is not a Secrets Manager secret name'],
    ['a Secret Manager version with spaces', hub({ username: 'bot', gcpSecretVersion: 'projects/my-project/secrets/hub token/versions/1' }),
      'upstreamCaches[0].gcpSecretVersion: "projects/my-project/secrets/hub token/versions/1" is not a Secret Manager secret version'],
    ['a Secret Manager version that is not a number', hub({ username: 'bot', gcpSecretVersion: 'projects/my-project/secrets/hub/versions/v1' }), 'is not a Secret Manager secret version'],
    // Not checked at all: the Azure construct then assigned the secret reader role on the whole vault.
    ['a Key Vault secret id that is not a URL', hub({ azureUsernameSecretId: 'hub-user', azurePasswordSecretId: 'https://kv1.vault.azure.net/secrets/hub-token' }),
      'upstreamCaches[0].azureUsernameSecretId: "hub-user" is not a Key Vault secret id (https://<vault>.vault.azure.net/secrets/<name>[/<version>])'],
    ['a Key Vault key id given as a secret id', hub({ azureUsernameSecretId: 'https://kv1.vault.azure.net/secrets/u', azurePasswordSecretId: 'https://kv1.vault.azure.net/keys/p' }),
      'upstreamCaches[0].azurePasswordSecretId: "https://kv1.vault.azure.net/keys/p" is not a Key Vault secret id'],
  ])('%s is a problem naming the field', (_, spec, message) => {
    expect(render(spec)).toEqual([expect.stringContaining(message)]);
  });

  test('negative controls: the same fields, valid, are accepted', () => {
    expect(render(access([{ name: 'rt', repositories: ['api', 'jobs/*'], gcpMembers: ['user:a@example.com', 'user:b@example.com'] }],
      [{ name: 'promoter', environments: ['staging', 'prod'], github: { repository: 'example/platform', environment: 'prod' } }]))).toEqual([]);
    expect(render(hub({
      awsSecretName: 'ecr-pullthroughcache/docker-hub/bot_1+x=y.z@corp',
      username: 'bot',
      gcpSecretVersion: 'projects/123456789/secrets/hub_token-1/versions/latest',
      azureUsernameSecretId: 'https://kv1.vault.azure.net/secrets/hub-user',
      azurePasswordSecretId: 'https://kv1.vault.azure.net/secrets/hub-token/0123456789abcdef0123456789abcdef',
    }))).toEqual([]);
  });
});

// Hostile-user sweep: settings that the spec's own meaning makes void, accepted silently.
describe('SpecValidator: settings that can never take effect', () => {
  const chain = { layout: EnvironmentLayout.REPOSITORIES, chain: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod', requiresApproval: true }] };

  test.each<[string, Partial<RegistrySpec>, Cloud[] | undefined, string]>([
    // The gate reads scan results that never exist: every promotion into prod would be refused (on Azure: pass ungated).
    ['a severity gate with scanning off everywhere', { environments: chain, scanning: { mode: ScanMode.OFF, severityThreshold: Severity.HIGH } }, undefined,
      'scanning.severityThreshold: "high" gates the promotions of api, web, jobs/worker, but scanning.mode is "off" for every image'],
    ['a repository\'s gate with scanning off everywhere', {
      environments: chain,
      scanning: { mode: ScanMode.OFF },
      repositories: [{ name: 'api', scanning: { severityThreshold: Severity.CRITICAL } }, { name: 'web' }],
    }, undefined, 'repositories[0].scanning.severityThreshold: "critical" gates the promotions of api, but scanning.mode is "off" for every image'],
    // No hop leads into the first environment: nothing waits for the approval.
    ['approval on the first environment', { environments: { chain: [{ name: 'dev', requiresApproval: true }, { name: 'prod' }] } }, undefined,
      'environments.chain[0].requiresApproval: true is set on "dev", the first environment, which builds are pushed to without a promotion'],
    // ECR's replication fields on a replica of another cloud: nothing reads them.
    ['an AWS account on an Azure replica', { replication: { replicas: [{ region: 'westeurope', cloud: Cloud.AZURE, awsAccountId: '111122223333' }] } }, undefined,
      'replication.replicas[0].awsAccountId: "111122223333" applies to ECR replication only, and this replica is for cloud "azure": remove it, or set cloud: aws'],
    ['ECR prefixes on a GCP replica', { replication: { replicas: [{ region: 'europe-west1', cloud: Cloud.GCP, repositoryPrefixes: ['platform/'] }] } }, undefined,
      'replication.replicas[0].repositoryPrefixes: ["platform/"] applies to ECR replication only, and this replica is for cloud "gcp"'],
  ])('%s is a problem naming the field', (_, fields, clouds, message) => {
    expect(render(validSpec(fields), clouds)).toEqual([expect.stringContaining(message)]);
  });

  test('negative controls: a gate where something is scanned, no approval hop, approval later in the chain', () => {
    // Mixed modes are the clouds' to judge (Artifact Registry scans every image of a repository anyway).
    expect(render(validSpec({ environments: chain, scanning: { severityThreshold: Severity.HIGH }, repositories: [{ name: 'api', scanning: { mode: ScanMode.OFF } }, { name: 'web' }] }))).toEqual([]);
    expect(render(validSpec({ environments: { chain: [{ name: 'dev' }, { name: 'prod', requiresApproval: false }] }, scanning: { mode: ScanMode.OFF, severityThreshold: Severity.HIGH } }))).toEqual([]);
    expect(render(validSpec({ environments: chain }))).toEqual([]);
    // A replica without a cloud is for every cloud: its ECR fields apply to ECR.
    expect(render(validSpec({
      replication: {
        replicas: [
          { region: 'eu-west-2', cloud: Cloud.AWS, awsAccountId: '444455556666', repositoryPrefixes: ['platform/'] }, { region: 'eu-west-3', awsAccountId: '444455556666' },
        ],
      },
    }), [Cloud.AWS])).toEqual([]);
  });

  test('in a spec file, a number where a string goes says to quote it (YAML drops the leading zero of 011122223333)', () => {
    const r = SpecLoader.load('name: platform\nrepositories: [{ name: api }]\naccess: { pullers: [{ name: rt, awsAccountIds: [011122223333] }] }\nlabels: { team: yes }\n');
    expect(r.problems.map((p) => `line ${p.line}: ${p.path}: ${p.value} ${p.message}`)).toEqual([
      'line 3: access.pullers[0].awsAccountIds[0]: 11122223333 has the wrong type: expected a string, got a number (write it in quotes)',
    ]);
    // YAML 1.2 reads `yes` as a string: a negative control.
    expect(SpecLoader.load('name: platform\nrepositories: [{ name: api }]\nlabels: { team: yes }\n').problems).toEqual([]);
  });
});

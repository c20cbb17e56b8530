import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';
import { parseWorkflows, promotionSpec } from './fixtures';
import { ActionPins, PromotionPlanner, PromotionPlanOptions, PromotionWorkflow, PromotionWorkflowOptions } from '../../src/promotion';
import { Cloud, EnvironmentLayout, Naming, RegistrySpec } from '../../src/spec';

interface Case {
  readonly name: string;
  readonly spec: RegistrySpec;
  readonly options: PromotionPlanOptions;
  readonly workflow?: PromotionWorkflowOptions;
}

const cases: Case[] = [];
for (const cloud of [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.HARBOR]) {
  for (const layout of [EnvironmentLayout.REPOSITORIES, EnvironmentLayout.REGISTRIES, EnvironmentLayout.TAGS]) {
    cases.push({ name: `${cloud}-${layout}`, spec: promotionSpec(layout), options: { cloud } });
  }
}
cases.push({
  name: 'aws-literal-hosts',
  spec: promotionSpec(),
  options: { cloud: Cloud.AWS, awsAccountId: '123456789012', awsRegion: 'eu-west-1', images: ['jobs/worker'] },
});
// A China region: hosts end with amazonaws.com.cn (the ECR user guide for the China regions, "Amazon ECR private registry").
cases.push({
  name: 'aws-china-literal-hosts',
  spec: promotionSpec(),
  options: { cloud: Cloud.AWS, awsAccountId: '123456789012', awsRegion: 'cn-north-1' },
});
cases.push({
  name: 'gcp-single-environment',
  spec: { ...promotionSpec(), environments: { chain: [{ name: 'prod' }] }, access: { pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }] } },
  options: { cloud: Cloud.GCP, gcpProjectId: 'my-project', gcpLocation: 'us' },
});
cases.push({
  name: 'azure-four-environments-semver-off',
  spec: promotionSpec(EnvironmentLayout.REGISTRIES, {
    environments: { chain: [{ name: 'dev' }, { name: 'qa', requiresApproval: true }, { name: 'staging' }, { name: 'prod' }], layout: EnvironmentLayout.REGISTRIES },
    tagPolicy: { strategy: 'git-sha' as any },
    access: {
      pushers: [{ name: 'ci', github: { repository: 'o/r', branch: 'main' } }],
      promoters: [
        { name: 'promote-qa', environments: ['qa'], github: { repository: 'o/r', environment: 'qa' } },
        { name: 'promote-staging', environments: ['staging'], github: { repository: 'o/r', branch: 'main' } },
        { name: 'promote-prod', environments: ['prod'], github: { repository: 'o/r', environment: 'prod' } },
      ],
    },
  }),
  options: { cloud: Cloud.AZURE, acrRegistrySuffix: '' },
});

cases.push({
  name: 'gcp-provenance',
  spec: promotionSpec(),
  options: { cloud: Cloud.GCP },
  workflow: { attestProvenance: true },
});

// Generate every workflow once, validate the whole batch with GitHub's parser in one child process.
const generated = cases.map((c) => {
  const plan = PromotionPlanner.plan(c.spec, c.options);
  const workflow = PromotionWorkflow.generate(plan, c.workflow);
  return { ...c, plan, workflow, yaml: parse(workflow.text) };
});
// A negative control, so that "no errors" means something: a typo in a needs list.
const broken = generated[0].workflow.text.replace('needs: [build]', 'needs: [biuld]');
const [brokenResult, ...parsed] = parseWorkflows([
  { name: 'broken.yml', content: broken },
  ...generated.map((g) => ({ name: `${g.name}.yml`, content: g.workflow.text })),
]);
const byName = (name: string) => generated[cases.findIndex((c) => c.name === name)];
/** A plan's AWS host as the workflow writes it: the run-time URL suffix expression defined once, as env.AWS_URL_SUFFIX. */
const inWorkflow = (text: string) => text.split(Naming.awsUrlSuffix('${{ vars.AWS_REGION }}')).join('${{ env.AWS_URL_SUFFIX }}');

describe('PromotionWorkflow: GitHub\'s own parser accepts every generated workflow', () => {
  test.each(cases.map((c, i) => [c.name, i]))('%s: no errors', (_name, i) => {
    expect(parsed[i as number].errors).toEqual([]);
  });

  test('the parser does report errors (negative control)', () => {
    expect(brokenResult.errors).toContainEqual(expect.stringMatching(/Job 'promote-staging' depends on unknown job 'biuld'/));
  });

  test('the parser sees the jobs, the needs chain and the environments the plan asks for', () => {
    generated.forEach((g, i) => {
      const expected = [
        { id: 'build', needs: [], environment: undefined },
        ...g.plan.hops.map((h, k) => ({
          id: h.jobId,
          needs: k === 0 ? ['build'] : ['build', g.plan.hops[k - 1].jobId],
          environment: h.githubEnvironment,
        })),
      ];
      expect([g.name, parsed[i].jobs]).toEqual([g.name, expected]);
    });
  });
});

describe('PromotionWorkflow: structure', () => {
  test('on push to the first environment\'s branch, and manual runs with an optional version', () => {
    const wf = byName('aws-repositories').yaml;
    expect(wf.on).toEqual({
      push: { branches: ['main'] },
      workflow_dispatch: { inputs: { version: expect.objectContaining({ required: false, type: 'string' }) } },
    });
  });

  test('id-token: write only on the jobs that log in; the workflow default token is read-only', () => {
    for (const g of generated) {
      expect(g.yaml.permissions).toEqual({ contents: 'read' });
      if (g.plan.cloud === Cloud.HARBOR) {
        // Harbor's robots log in with secrets: only the build job, which signs keyless, holds id-token: write.
        expect(Object.entries<any>(g.yaml.jobs).map(([id, job]) => [id, job.permissions])).toEqual(
          Object.keys(g.yaml.jobs).map((id) => [id, id === 'build' ? { 'contents': 'read', 'id-token': 'write' } : { contents: 'read' }]));
        continue;
      }
      for (const job of Object.values<any>(g.yaml.jobs)) {
        expect(job.permissions).toEqual({ 'contents': 'read', 'id-token': 'write' });
        // Every job that has id-token: write uses it: its first step after checkout is the cloud's OIDC login.
        expect(job.steps[1].uses).toMatch(/^(aws-actions\/configure-aws-credentials|google-github-actions\/auth|azure\/login)@[0-9a-f]{40}$/);
      }
    }
  });

  test('the prod hop runs in the GitHub environment "prod" (approval); staging in none', () => {
    const wf = byName('gcp-repositories').yaml;
    expect(wf.jobs['promote-prod'].environment).toBe('prod');
    expect(wf.jobs['promote-staging'].environment).toBeUndefined();
    expect(wf.jobs['promote-prod'].needs).toEqual(['build', 'promote-staging']);
    // Four environments, qa needs approval too; its promoter is trusted in "qa".
    const four = byName('azure-four-environments-semver-off').yaml;
    expect(Object.keys(four.jobs)).toEqual(['build', 'promote-qa', 'promote-staging', 'promote-prod']);
    expect(['promote-qa', 'promote-staging', 'promote-prod'].map((j) => four.jobs[j].environment)).toEqual(['qa', undefined, 'prod']);
  });

  test('promotion by digest: the build job outputs each image\'s digest from the push step, and every hop passes it to the script', () => {
    const wf = byName('aws-repositories').yaml;
    const build = wf.jobs.build;
    expect(build.outputs).toEqual({
      api_digest: '${{ steps.push_api.outputs.digest }}',
      api_tags: '${{ steps.tags_api.outputs.tags }}',
      api_mutable: '${{ steps.tags_api.outputs.mutable }}',
      jobs_worker_digest: '${{ steps.push_jobs_worker.outputs.digest }}',
      jobs_worker_tags: '${{ steps.tags_jobs_worker.outputs.tags }}',
      jobs_worker_mutable: '${{ steps.tags_jobs_worker.outputs.mutable }}',
    });
    const push = build.steps.find((s: any) => s.id === 'push_api');
    expect(push).toEqual({
      name: 'Build and push api to dev',
      id: 'push_api',
      uses: ActionPins.uses('docker/build-push-action'),
      with: { context: 'api', push: true, tags: '${{ steps.tags_api.outputs.refs }}' },
    });
    const tags = build.steps.find((s: any) => s.id === 'tags_api');
    expect(tags.run).toBe('sh .github/promotion/lib/build-tags.sh >>"$GITHUB_OUTPUT"');
    expect(tags.env).toMatchObject({ GIT_SHA: '${{ github.sha }}', STRATEGY: 'semver', REPOSITORY: '${{ vars.AWS_ACCOUNT_ID }}.dkr.ecr.${{ vars.AWS_REGION }}.${{ env.AWS_URL_SUFFIX }}/platform/dev/api' });
    const promote = wf.jobs['promote-prod'].steps.find((s: any) => s.name === 'Promote jobs/worker (staging -> prod)');
    expect(promote).toEqual({
      name: 'Promote jobs/worker (staging -> prod)',
      env: {
        DIGEST: '${{ needs.build.outputs.jobs_worker_digest }}',
        TAGS: '${{ needs.build.outputs.jobs_worker_tags }}',
        MUTABLE_TAGS: '${{ needs.build.outputs.jobs_worker_mutable }}',
        SOURCE_REGISTRY: '${{ vars.AWS_ACCOUNT_ID }}.dkr.ecr.${{ vars.AWS_REGION }}.${{ env.AWS_URL_SUFFIX }}',
        DEST_REGISTRY: '${{ vars.AWS_ACCOUNT_ID }}.dkr.ecr.${{ vars.AWS_REGION }}.${{ env.AWS_URL_SUFFIX }}',
        VERIFY_IDENTITY: 'https://github.com/example/platform/.github/workflows/promote-aws.yml@refs/heads/main',
        VERIFY_ISSUER: 'https://token.actions.githubusercontent.com',
      },
      run: 'sh .github/promotion/aws/promote-staging-to-prod.sh --image jobs/worker',
    });
  });

  test('with several images, the hop checks them all (dry run) before copying any', () => {
    const steps = byName('aws-repositories').yaml.jobs['promote-prod'].steps;
    expect(steps.map((st: any) => st.name)).toEqual([
      'Check out the promotion scripts',
      'Log in to AWS as promote-prod',
      'Log in skopeo to ${{ vars.AWS_ACCOUNT_ID }}.dkr.ecr.${{ vars.AWS_REGION }}.${{ env.AWS_URL_SUFFIX }}',
      'Install cosign',
      'Check every image before copying any (dry run)',
      'Promote api (staging -> prod)',
      'Promote jobs/worker (staging -> prod)',
    ]);
    expect(steps[4].env).toMatchObject({ JOBS_WORKER_DIGEST: '${{ needs.build.outputs.jobs_worker_digest }}', API_TAGS: '${{ needs.build.outputs.api_tags }}' });
    expect(steps[4].run).toBe([
      'DIGEST="$API_DIGEST" TAGS="$API_TAGS" MUTABLE_TAGS="$API_MUTABLE" sh .github/promotion/aws/promote-staging-to-prod.sh --image api --dry-run',
      'DIGEST="$JOBS_WORKER_DIGEST" TAGS="$JOBS_WORKER_TAGS" MUTABLE_TAGS="$JOBS_WORKER_MUTABLE" sh .github/promotion/aws/promote-staging-to-prod.sh --image jobs/worker --dry-run',
      '',
    ].join('\n'));
    // One image: the script's own check-before-copy is enough.
    expect(byName('aws-literal-hosts').yaml.jobs['promote-prod'].steps.map((st: any) => st.name)).not.toContain('Check every image before copying any (dry run)');
  });

  test('tags layout: the build sets the first environment tag; hops move theirs without the build tags', () => {
    const wf = byName('aws-tags').yaml;
    expect(wf.jobs.build.steps.find((s: any) => s.id === 'tags_api').env.ENVIRONMENT_TAGS).toBe('dev');
    const step = wf.jobs['promote-staging'].steps.find((s: any) => s.name === 'Promote api (dev -> staging)');
    expect(step.env.TAGS).toBeUndefined();
    expect(step.env.DIGEST).toBe('${{ needs.build.outputs.api_digest }}');
    expect(byName('aws-tags').workflow.text).toContain('# Warning: environments.layout is "tags": IAM cannot tell tags apart');
  });

  test.each([
    ['aws-repositories', 'build', {
      name: 'Log in to AWS as ci',
      uses: ActionPins.uses('aws-actions/configure-aws-credentials'),
      with: { 'role-to-assume': '${{ vars.AWS_ROLE_ARN_CI }}', 'aws-region': '${{ vars.AWS_REGION }}' },
    }],
    ['aws-repositories', 'promote-prod', {
      name: 'Log in to AWS as promote-prod',
      uses: ActionPins.uses('aws-actions/configure-aws-credentials'),
      with: { 'role-to-assume': '${{ vars.AWS_ROLE_ARN_PROMOTE_PROD }}', 'aws-region': '${{ vars.AWS_REGION }}' },
    }],
    ['gcp-repositories', 'promote-staging', {
      name: 'Log in to Google Cloud as promote-staging',
      id: 'gcp_auth',
      uses: ActionPins.uses('google-github-actions/auth'),
      with: {
        workload_identity_provider: '${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}',
        service_account: '${{ vars.GCP_SERVICE_ACCOUNT_PROMOTE_STAGING }}',
        token_format: 'access_token',
      },
    }],
    ['azure-repositories', 'promote-prod', {
      name: 'Log in to Azure as promote-prod',
      uses: ActionPins.uses('azure/login'),
      with: {
        'client-id': '${{ vars.AZURE_CLIENT_ID_PROMOTE_PROD }}',
        'tenant-id': '${{ vars.AZURE_TENANT_ID }}',
        'subscription-id': '${{ vars.AZURE_SUBSCRIPTION_ID }}',
      },
    }],
  ])('%s %s logs in through OIDC as the plan\'s identity', (name, job, step) => {
    expect(byName(name).yaml.jobs[job].steps[1]).toEqual(step);
  });

  test('registry logins: ECR password, Artifact Registry access token, ACR token for each registry of the hop', () => {
    const aws = byName('aws-literal-hosts').yaml.jobs['promote-staging'].steps[2];
    expect(aws).toEqual({
      name: 'Log in skopeo to 123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      env: { REGISTRY: '123456789012.dkr.ecr.eu-west-1.amazonaws.com' },
      run: 'aws ecr get-login-password | skopeo login --authfile "$HOME/.docker/config.json" --username AWS --password-stdin "$REGISTRY"',
    });
    const gcp = byName('gcp-repositories').yaml.jobs.build.steps[2];
    expect(gcp.env).toEqual({ REGISTRY: '${{ vars.GCP_LOCATION }}-docker.pkg.dev', ACCESS_TOKEN: '${{ steps.gcp_auth.outputs.access_token }}' });
    expect(gcp.run).toBe('printf \'%s\' "$ACCESS_TOKEN" | docker login --username oauth2accesstoken --password-stdin "$REGISTRY"');
    // Registries layout on Azure: the hop reads one registry and writes another; it logs in to both.
    // Microsoft's Connect-AzContainerRegistry docs: `docker login $loginServer -u 00000000-0000-0000-0000-000000000000 --password $token`.
    const azure = byName('azure-registries').yaml.jobs['promote-prod'].steps.filter((s: any) => /^Log in skopeo/.test(s.name));
    expect(azure.map((s: any) => s.env.REGISTRY)).toEqual([
      'platformstaging${{ vars.AZURE_REGISTRY_SUFFIX }}.azurecr.io',
      'platformprod${{ vars.AZURE_REGISTRY_SUFFIX }}.azurecr.io',
    ]);
    expect(azure[0].run).toContain('az acr login --name "${REGISTRY%%.*}" --expose-token --output tsv --query accessToken |');
    expect(azure[0].run).toContain('skopeo login --authfile "$HOME/.docker/config.json" --username 00000000-0000-0000-0000-000000000000 --password-stdin "$REGISTRY"');
  });

  test('ECR hosts carry the region\'s URL suffix: amazonaws.com.cn in China, chosen at run time from AWS_REGION otherwise', () => {
    const china = byName('aws-china-literal-hosts');
    const hosts = [...china.workflow.text.matchAll(/\b\d{12}\.dkr\.ecr\.[a-z0-9-]+\.[a-z.]+/g)].map((m) => m[0]);
    expect(hosts.length).toBeGreaterThan(8);
    expect(new Set(hosts)).toEqual(new Set(['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn']));
    expect(china.yaml.env).toBeUndefined();
    // The region from a variable: one workflow-level AWS_URL_SUFFIX (workflow env may read vars), read by every host.
    const variable = byName('aws-repositories');
    expect(variable.yaml.env).toEqual({ AWS_URL_SUFFIX: Naming.awsUrlSuffix('${{ vars.AWS_REGION }}') });
    expect(variable.workflow.text.match(/\.dkr\.ecr\.\$\{\{ vars\.AWS_REGION \}\}\.\$\{\{ env\.AWS_URL_SUFFIX \}\}/g)!.length).toBeGreaterThan(8);
    expect(variable.workflow.text).not.toMatch(/vars\.AWS_REGION \}\}\.amazonaws/);
    // Other clouds define nothing of the kind.
    expect(byName('gcp-repositories').yaml.env).toBeUndefined();
  });

  test('the variables the workflow reads are listed, in the header too', () => {
    expect(byName('gcp-repositories').workflow.variables).toEqual([
      'GCP_LOCATION', 'GCP_PROJECT_ID', 'GCP_SERVICE_ACCOUNT_CI', 'GCP_SERVICE_ACCOUNT_PROMOTE_PROD', 'GCP_SERVICE_ACCOUNT_PROMOTE_STAGING', 'GCP_WORKLOAD_IDENTITY_PROVIDER',
    ]);
    expect(byName('aws-literal-hosts').workflow.variables).toEqual(['AWS_ROLE_ARN_CI', 'AWS_ROLE_ARN_PROMOTE_PROD', 'AWS_ROLE_ARN_PROMOTE_STAGING']);
    const text = byName('azure-repositories').workflow.text;
    for (const v of byName('azure-repositories').workflow.variables) {
      expect(text).toContain(`#   ${v}\n`);
      expect(text).toContain(`\${{ vars.${v} }}`);
    }
  });

  test('files: the workflow, the build-tags script, the shared promotion logic and one promotion script per hop', () => {
    expect(byName('azure-four-environments-semver-off').workflow.files.map((f) => `${f.path}${f.executable ? ' (x)' : ''}`)).toEqual([
      '.github/workflows/promote-azure.yml',
      // The files every hop of every cloud shares, once, in the library folder (issue 14, item 4).
      '.github/promotion/lib/build-tags.sh (x)',
      '.github/promotion/lib/promote-image.sh',
      '.github/promotion/lib/scan-gate.sh',
      '.github/promotion/azure/promote-dev-to-qa.sh (x)',
      '.github/promotion/azure/promote-qa-to-staging.sh (x)',
      '.github/promotion/azure/promote-staging-to-prod.sh (x)',
    ]);
    const custom = PromotionWorkflow.generate(byName('aws-repositories').plan, { scriptsDir: 'ci/promote/', workflowPath: '.github/workflows/release.yml', buildContext: 'images/{image}', runsOn: 'self-hosted', name: 'Release' });
    const yaml = parse(custom.text);
    expect(custom.files.map((f) => f.path)).toEqual([
      '.github/workflows/release.yml', '.github/promotion/lib/build-tags.sh', '.github/promotion/lib/promote-image.sh', '.github/promotion/lib/scan-gate.sh',
      'ci/promote/promote-dev-to-staging.sh', 'ci/promote/promote-staging-to-prod.sh',
    ]);
    // The hop scripts find the shared file by its path relative to themselves.
    expect(custom.files.find((f) => f.path === 'ci/promote/promote-dev-to-staging.sh')!.content).toContain('HOP_LIBRARY_DIR="$(dirname -- "$0")"/\'../../.github/promotion/lib\'');
    const ownLibrary = PromotionWorkflow.generate(byName('aws-repositories').plan, { scriptsDir: 'ci/promote', libraryDir: 'ci/lib' });
    expect(ownLibrary.files.map((f) => f.path).filter((f) => f.startsWith('ci/lib/'))).toEqual(['ci/lib/build-tags.sh', 'ci/lib/promote-image.sh', 'ci/lib/scan-gate.sh']);
    expect(parse(ownLibrary.text).jobs.build.steps.find((s: any) => s.id === 'tags_api').run).toBe('sh ci/lib/build-tags.sh >>"$GITHUB_OUTPUT"');
    expect(yaml.name).toBe('Release');
    expect(yaml.jobs.build['runs-on']).toBe('self-hosted');
    expect(yaml.jobs.build.steps.find((s: any) => s.id === 'push_jobs_worker').with.context).toBe('images/jobs/worker');
    expect(yaml.jobs['promote-staging'].steps.find((st: any) => st.name === 'Promote api (dev -> staging)').run).toBe('sh ci/promote/promote-dev-to-staging.sh --image api');
  });

  // Hostile-user sweep: each was accepted and gave a workflow GitHub never runs, a script call the shell
  // splits (`sh my dir/promote-....sh`), files written outside the repository, or a multi-line runner label.
  test.each<[string, PromotionWorkflowOptions, string]>([
    ['a workflow outside .github/workflows', { workflowPath: '/etc/release.yml' }, 'workflowPath: "/etc/release.yml" is not a workflow file GitHub runs: .github/workflows/<name>.yml'],
    ['a workflow in a subfolder', { workflowPath: '.github/workflows/ci/release.yml' }, 'workflowPath: ".github/workflows/ci/release.yml" is not a workflow file GitHub runs'],
    ['a workflow that is not YAML', { workflowPath: '.github/workflows/release.txt' }, 'workflowPath: ".github/workflows/release.txt" is not a workflow file GitHub runs'],
    ['scripts outside the repository', { scriptsDir: '../../etc' }, 'scriptsDir: "../../etc" is not a folder of the repository: a relative path of names'],
    ['an absolute scripts folder', { scriptsDir: '/tmp/x' }, 'scriptsDir: "/tmp/x" is not a folder of the repository'],
    ['a scripts folder with a space', { scriptsDir: 'my dir' }, 'scriptsDir: "my dir" is not a folder of the repository'],
    ['a library folder with ..', { libraryDir: 'ci/../../lib' }, 'libraryDir: "ci/../../lib" is not a folder of the repository'],
    ['an empty runner label', { runsOn: '' }, 'runsOn: "" is not a runner label: one line, not empty'],
    ['a runner label of two lines', { runsOn: 'ubuntu-latest\n    permissions: write-all' }, 'runsOn: "ubuntu-latest\\n    permissions: write-all" is not a runner label'],
    ['a build context with a trailing space', { buildContext: 'images/{image} ' }, 'buildContext: "images/{image} " is not a build context'],
  ])('%s is refused, naming the option', (_, options, message) => {
    expect(() => PromotionWorkflow.generate(byName('aws-repositories').plan, options)).toThrow(message);
  });

  test('bad workflow options are all reported at once', () => {
    expect(() => PromotionWorkflow.generate(byName('aws-repositories').plan, { workflowPath: 'x.yml', scriptsDir: '/x', runsOn: ' ' }))
      .toThrow(/: 3 problems\n  - workflowPath: .*\n  - scriptsDir: .*\n  - runsOn: /);
  });

  test('a single image builds from the repository root; a single environment has no hop', () => {
    expect(byName('aws-literal-hosts').yaml.jobs.build.steps.find((s: any) => s.id === 'push_jobs_worker').with.context).toBe('.');
    expect(Object.keys(byName('gcp-single-environment').yaml.jobs)).toEqual(['build']);
  });
});

describe('PromotionWorkflow: signing', () => {
  const identity = (cloud: string) => `https://github.com/example/platform/.github/workflows/promote-${cloud}.yml@refs/heads/main`;

  test('the build signs each pushed digest keyless with cosign, right after its push, in the job that holds id-token: write', () => {
    for (const g of generated) {
      const build = g.yaml.jobs.build;
      expect(build.permissions['id-token']).toBe('write');
      const names: string[] = build.steps.map((st: any) => st.name);
      const install = names.indexOf('Install cosign');
      expect(build.steps[install].uses).toBe(ActionPins.uses('sigstore/cosign-installer'));
      for (const push of g.plan.pushes) {
        const pushed = names.indexOf(`Build and push ${push.image} to ${g.plan.environments[0]}`);
        const sign = build.steps[pushed + 1];
        expect(install).toBeLessThan(pushed);
        expect(sign).toEqual({
          name: `Sign ${push.image} (cosign, keyless)`,
          env: { REF: inWorkflow(push.destination.reference), DIGEST: `\${{ steps.${build.steps[pushed].id}.outputs.digest }}` },
          run: 'cosign sign --yes --new-bundle-format=false --use-signing-config=false "$REF@$DIGEST"',
        });
      }
      // No key anywhere: keyless only.
      expect(g.workflow.text).not.toMatch(/--key|COSIGN_PRIVATE_KEY/);
    }
  });

  test('every hop step that runs the script verifies the build workflow\'s keyless identity, after installing cosign', () => {
    let steps = 0;
    for (const g of generated) {
      for (const hop of g.plan.hops) {
        const job = g.yaml.jobs[hop.jobId];
        const names: string[] = job.steps.map((st: any) => st.name);
        expect(names.indexOf('Install cosign')).toBeGreaterThan(names.findIndex((n) => n.startsWith('Log in')));
        for (const step of job.steps.filter((st: any) => /\bsh \.github\/promotion\//.test(st.run ?? ''))) {
          steps += 1;
          const repository = g.spec.access!.pushers![0].github!.repository;
          expect(step.env.VERIFY_IDENTITY).toBe(`https://github.com/${repository}/.github/workflows/promote-${g.plan.cloud}.yml@refs/heads/${g.plan.branch}`);
          expect(step.env.VERIFY_ISSUER).toBe('https://token.actions.githubusercontent.com');
          expect(step.run).not.toContain('--no-verify');
        }
      }
    }
    expect(steps).toBeGreaterThan(30);
    expect(PromotionWorkflow.signerIdentity(byName('azure-repositories').plan)).toBe(identity('azure'));
    expect(PromotionWorkflow.signerIdentity(byName('aws-repositories').plan, { workflowPath: '.github/workflows/release.yml' }))
      .toBe('https://github.com/example/platform/.github/workflows/release.yml@refs/heads/main');
  });

  test('provenance: off by default; with attestProvenance each digest gets a keyless SLSA provenance attestation after its signature', () => {
    expect(byName('gcp-repositories').workflow.text).not.toContain('cosign attest');
    const steps = byName('gcp-provenance').yaml.jobs.build.steps;
    const names: string[] = steps.map((st: any) => st.name);
    for (const image of ['api', 'jobs/worker']) {
      const attest = steps[names.indexOf(`Sign ${image} (cosign, keyless)`) + 1];
      expect(attest.name).toBe(`Attest the provenance of ${image} (cosign, keyless)`);
      expect(attest.run).toContain('cosign attest --yes --new-bundle-format=false --use-signing-config=false --type slsaprovenance1 --predicate provenance.json "$REF@$DIGEST"');
      expect(attest.env).toMatchObject({ SHA: '${{ github.sha }}', WORKFLOW: '${{ github.workflow_ref }}' });
    }
  });

  test('the predicate script is valid shell and jq builds the provenance JSON from the GitHub context', () => {
    const step = byName('gcp-provenance').yaml.jobs.build.steps.find((st: any) => st.name === 'Attest the provenance of api (cosign, keyless)');
    const script = step.run.replace(/^cosign attest.*$/m, 'cat provenance.json');
    const dir = mkdtempSync(join(tmpdir(), 'provenance-'));
    const res = spawnSync('sh', ['-c', script], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH!, SERVER: 'https://github.com', REPO: 'example/platform', SHA: 'a'.repeat(40), WORKFLOW: 'example/platform/.github/workflows/promote-gcp.yml@refs/heads/main', RUN: '42' },
    });
    rmSync(dir, { recursive: true, force: true });
    expect([res.status, res.stderr]).toEqual([0, '']);
    expect(JSON.parse(res.stdout)).toEqual({
      buildDefinition: {
        buildType: 'https://actions.github.io/buildtypes/workflow/v1',
        externalParameters: { workflow: 'example/platform/.github/workflows/promote-gcp.yml@refs/heads/main' },
        resolvedDependencies: [{ uri: 'git+https://github.com/example/platform', digest: { gitCommit: 'a'.repeat(40) } }],
      },
      runDetails: { builder: { id: 'example/platform/.github/workflows/promote-gcp.yml@refs/heads/main' }, metadata: { invocationId: 'https://github.com/example/platform/actions/runs/42' } },
    });
  });

  test('a gated hop on Azure adds the resource-graph extension the scan gate uses; other hops and clouds do not', () => {
    const spec = promotionSpec(EnvironmentLayout.REGISTRIES, { scanning: { severityThreshold: 'critical' as any } });
    const step = 'Add the Azure CLI resource-graph extension (scan gate)';
    const azure = parse(PromotionWorkflow.generate(PromotionPlanner.plan(spec, { cloud: Cloud.AZURE })).text);
    expect(azure.jobs['promote-prod'].steps.find((st: any) => st.name === step).run).toBe('az extension add --name resource-graph --upgrade --yes');
    expect(azure.jobs['promote-staging'].steps.map((st: any) => st.name)).not.toContain(step);
    const aws = PromotionWorkflow.generate(PromotionPlanner.plan(spec, { cloud: Cloud.AWS })).text;
    expect(aws).not.toContain(step);
    expect(parseWorkflows([{ name: 'gated.yml', content: PromotionWorkflow.generate(PromotionPlanner.plan(spec, { cloud: Cloud.AZURE })).text }])[0].errors).toEqual([]);
  });

  test('a pusher without github trust has no keyless identity: the workflow is refused', () => {
    const spec = promotionSpec(EnvironmentLayout.REPOSITORIES);
    const plan = PromotionPlanner.plan({ ...spec, access: { ...spec.access, pushers: [{ name: 'ci', awsPrincipalArns: ['arn:aws:iam::123456789012:role/ci'] }] } }, { cloud: Cloud.AWS });
    expect(() => PromotionWorkflow.generate(plan)).toThrow(/access\.pushers: the pusher "ci" has no github trust: the build signs keyless with the GitHub OIDC token of its repository/);
  });
});

describe('PromotionWorkflow: errors', () => {
  test('no pusher and a hop without promoter: one error listing both', () => {
    const spec = promotionSpec(EnvironmentLayout.REPOSITORIES, {
      access: { promoters: [{ name: 'promote-prod', environments: ['prod'], github: { repository: 'o/r', environment: 'prod' } }] },
    });
    const plan = PromotionPlanner.plan(spec, { cloud: Cloud.AWS });
    expect(() => PromotionWorkflow.generate(plan)).toThrow([
      'Cannot generate the promotion workflow of registry "platform" on aws: 2 problems',
      '  - access.pushers: the build job needs a pusher identity that may push to the first environment',
      '  - access.promoters: no promoter performs hop dev -> staging',
    ].join('\n'));
  });
});

describe('PromotionWorkflow output keys', () => {
  // GitHub ids must start with a letter or `_`; image names may start with a digit and
  // differ only in their separators (`jobs/worker`, `jobs-worker`).
  test('are injective over image names and never start with a digit', () => {
    const names = ['api', 'jobs/worker', 'jobs-worker', 'jobs.worker', 'jobs_worker', '2fa', 'a/b-c.d_e'];
    const keys = names.map((n) => PromotionWorkflow.outputKey(n, 'digest'));
    expect(new Set(keys).size).toBe(names.length);
    expect(keys.every((k) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k))).toBe(true);
    expect(keys.slice(0, 3)).toEqual(['api_digest', 'jobs_worker_digest', 'jobs__worker_digest']);
    expect(PromotionWorkflow.outputKey('2fa', 'digest')).toBe('_2fa_digest');
  });

  test('a spec with such images gives a workflow GitHub accepts, with one output per image', () => {
    const spec = promotionSpec(EnvironmentLayout.REPOSITORIES, { repositories: [{ name: '2fa' }, { name: 'jobs/worker' }, { name: 'jobs-worker' }] });
    const plan = PromotionPlanner.plan(spec, { cloud: Cloud.AWS });
    const workflow = PromotionWorkflow.generate(plan);
    const outputs = Object.keys(parse(workflow.text).jobs.build.outputs).filter((k) => k.endsWith('_digest')).sort();
    expect(outputs).toEqual(['_2fa_digest', 'jobs__worker_digest', 'jobs_worker_digest']);
    expect(parseWorkflows([{ name: 'odd-names.yml', content: workflow.text }])[0].errors).toEqual([]);
  });
});

describe('pinned actions', () => {
  test('every third-party action of every generated workflow is pinned to a full commit, with its release in a comment', () => {
    let steps = 0;
    for (const g of generated) {
      const text = g.workflow.text;
      for (const m of text.matchAll(/^\s*(?:- )?uses: (.*)$/gm)) {
        steps++;
        // `owner/repository@<40 hex> # vX.Y.Z`: never a movable tag or branch.
        expect(m[1]).toMatch(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
        const [uses, version] = m[1].split(' # ');
        expect(ActionPins.versionOf(uses)).toBe(version);
      }
    }
    expect(steps).toBeGreaterThan(generated.length * 3);
  });

  test('each pin is a full commit, one per action, and an unpinned action is refused', () => {
    expect(ActionPins.ALL.every((p) => /^[0-9a-f]{40}$/.test(p.commit) && /^v\d+\.\d+\.\d+$/.test(p.version))).toBe(true);
    expect(new Set(ActionPins.ALL.map((p) => p.action)).size).toBe(ActionPins.ALL.length);
    expect(() => ActionPins.uses('actions/cache')).toThrow('the action actions/cache has no pinned commit (pinned: actions/checkout, ');
  });
});

describe('PromotionWorkflow on Harbor: robot logins from a variable and a secret, one per project', () => {
  const harbor = (layout: string) => byName(`harbor-${layout}`);

  test('registries layout: each hop logs in as its promoter\'s robot in the source and in the destination project, each in its own auth file', () => {
    const job = harbor('registries').yaml.jobs['promote-prod'];
    const logins = job.steps.filter((st: any) => /^Log in/.test(st.name));
    expect(logins).toEqual(['platform-prod', 'platform-staging'].map((project) => {
      const suffix = `PROMOTE_PROD_${project.toUpperCase().replace('-', '_')}`;
      return {
        name: `Log in skopeo to \${{ vars.HARBOR_HOST }} as promote-prod's robot in project ${project}`,
        env: {
          REGISTRY: '${{ vars.HARBOR_HOST }}',
          ROBOT_NAME: `\${{ vars.HARBOR_ROBOT_NAME_${suffix} }}`,
          ROBOT_SECRET: `\${{ secrets.HARBOR_ROBOT_SECRET_${suffix} }}`,
          AUTHFILE: `\${{ runner.temp }}/harbor-auth/${project}.json`,
        },
        // The secret reaches skopeo on its standard input, never as an argument.
        run: 'printf \'%s\' "$ROBOT_SECRET" | skopeo login --authfile "$AUTHFILE" --username "$ROBOT_NAME" --password-stdin "$REGISTRY"',
      };
    }));
    const promote = job.steps.find((st: any) => st.name === 'Promote api (staging -> prod)');
    expect(promote.env).toMatchObject({
      SOURCE_REGISTRY: '${{ vars.HARBOR_HOST }}/platform-staging',
      DEST_REGISTRY: '${{ vars.HARBOR_HOST }}/platform-prod',
      SRC_AUTHFILE: '${{ runner.temp }}/harbor-auth/platform-staging.json',
      DEST_AUTHFILE: '${{ runner.temp }}/harbor-auth/platform-prod.json',
    });
    // The dry run of every image uses the same auth files.
    expect(job.steps.find((st: any) => st.name === 'Check every image before copying any (dry run)').env).toMatchObject({
      SRC_AUTHFILE: '${{ runner.temp }}/harbor-auth/platform-staging.json',
      DEST_AUTHFILE: '${{ runner.temp }}/harbor-auth/platform-prod.json',
    });
  });

  test('repositories and tags layouts: one project, one robot login per hop, the same auth file on both sides', () => {
    for (const layout of ['repositories', 'tags']) {
      const job = harbor(layout).yaml.jobs['promote-staging'];
      expect(job.steps.filter((st: any) => /^Log in/.test(st.name)).map((st: any) => st.env.ROBOT_SECRET)).toEqual(['${{ secrets.HARBOR_ROBOT_SECRET_PROMOTE_STAGING_PLATFORM }}']);
      const promote = job.steps.find((st: any) => st.name === 'Promote api (dev -> staging)');
      expect([promote.env.SRC_AUTHFILE, promote.env.DEST_AUTHFILE]).toEqual(['${{ runner.temp }}/harbor-auth/platform.json', '${{ runner.temp }}/harbor-auth/platform.json']);
    }
    expect(harbor('repositories').yaml.jobs['promote-staging'].steps.find((st: any) => st.name === 'Promote api (dev -> staging)').env.DEST_REGISTRY)
      .toBe('${{ vars.HARBOR_HOST }}/platform');
  });

  test('the build job logs docker in as the pusher\'s robot in the first environment\'s project, before it pushes and signs', () => {
    const build = harbor('registries').yaml.jobs.build;
    expect(build.steps[1]).toEqual({
      name: 'Log in docker to ${{ vars.HARBOR_HOST }} as ci\'s robot in project platform-dev',
      env: { REGISTRY: '${{ vars.HARBOR_HOST }}', ROBOT_NAME: '${{ vars.HARBOR_ROBOT_NAME_CI_PLATFORM_DEV }}', ROBOT_SECRET: '${{ secrets.HARBOR_ROBOT_SECRET_CI_PLATFORM_DEV }}' },
      run: 'printf \'%s\' "$ROBOT_SECRET" | docker login --username "$ROBOT_NAME" --password-stdin "$REGISTRY"',
    });
    expect(build.steps.find((st: any) => st.id === 'tags_api').env.REPOSITORY).toBe('${{ vars.HARBOR_HOST }}/platform-dev/api');
  });

  test('variables and secrets: names as variables, robot secrets only as secrets, all listed in the header; no OIDC login', () => {
    const g = harbor('registries');
    expect(g.workflow.variables).toEqual([
      'HARBOR_HOST',
      'HARBOR_ROBOT_NAME_CI_PLATFORM_DEV',
      'HARBOR_ROBOT_NAME_PROMOTE_PROD_PLATFORM_PROD',
      'HARBOR_ROBOT_NAME_PROMOTE_PROD_PLATFORM_STAGING',
      'HARBOR_ROBOT_NAME_PROMOTE_STAGING_PLATFORM_DEV',
      'HARBOR_ROBOT_NAME_PROMOTE_STAGING_PLATFORM_STAGING',
    ]);
    expect(g.workflow.secrets).toEqual(g.workflow.variables.slice(1).map((v) => v.replace('_NAME_', '_SECRET_')));
    for (const secret of g.workflow.secrets) {
      expect(g.workflow.text).toContain(`#   ${secret}\n`);
      expect(g.workflow.text).not.toContain(`vars.${secret}`);
    }
    // Every secret and variable of the text is listed.
    expect([...new Set([...g.workflow.text.matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1]))].sort()).toEqual(g.workflow.secrets);
    expect(g.workflow.text).not.toMatch(/configure-aws-credentials|google-github-actions\/auth|azure\/login/);
    // The other clouds read no secret.
    expect(byName('aws-registries').workflow.secrets).toEqual([]);
  });

  test('a literal host replaces the HARBOR_HOST variable; a bad host is refused naming the field', () => {
    const plan = PromotionPlanner.plan(promotionSpec(EnvironmentLayout.REGISTRIES), { cloud: Cloud.HARBOR, harborHost: 'Registry.Internal:8443' });
    const wf = PromotionWorkflow.generate(plan);
    expect(wf.variables).not.toContain('HARBOR_HOST');
    expect(plan.hops[0].images[0].source.reference).toBe('registry.internal:8443/platform-dev/api');
    expect(wf.files.find((f) => f.path === '.github/promotion/harbor/promote-dev-to-staging.sh')!.content)
      .toContain('DEFAULT_DEST_REGISTRY=\'registry.internal:8443/platform-staging\'');
    expect(() => PromotionPlanner.plan(promotionSpec(), { cloud: Cloud.HARBOR, harborHost: 'https://harbor.example.com' }))
      .toThrow(/harborHost: "https:\/\/harbor.example.com" is not a registry host/);
  });
});

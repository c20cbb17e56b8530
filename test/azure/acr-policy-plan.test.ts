import { AcrPolicyPlan } from '../../src/azure/acr-policy-plan';
import { Cloud, EnvironmentLayout, PolicyPlanText, RegistrySpec, TagState } from '../../src/spec';

const spec: RegistrySpec = {
  name: 'platform',
  repositories: [{ name: 'api' }],
  environments: { layout: EnvironmentLayout.REGISTRIES, chain: [{ name: 'dev' }, { name: 'prod' }] },
  retention: {
    protectedTags: ['prod', 'v*'],
    rules: [{ tagState: TagState.UNTAGGED, expireAfterDays: 7 }, { tagState: TagState.TAGGED, tagPatterns: ['pr-*'], expireAfterDays: 14 }],
  },
  access: {
    pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }],
    promoters: [{ name: 'promoter', github: { repository: 'example/platform', environment: 'prod' } }],
  },
};

describe('AcrPolicyPlan', () => {
  const entries = AcrPolicyPlan.fromSpec(spec);
  const text = PolicyPlanText.render(entries);
  const doc = (resource: string, kind: string) => entries.find((e) => e.resource === resource && e.kind === kind)!.document;

  test('retention: native days for untagged manifests and the decoded purge commands with anchored filters', () => {
    expect(entries.every((e) => e.cloud === Cloud.AZURE)).toBe(true);
    expect(JSON.parse(doc('registry platformdev', 'retention-days'))).toEqual({ retention_policy_in_days: 7 });
    const purge = doc('registry platformdev', 'purge-task');
    expect(purge).toMatch(/^# .*: timer 0 1 \* \* \*, timeout \d+ s\n/);
    expect(purge).toMatch(/cmd: "mcr\.microsoft\.com\/acr\/acr-cli:0\.19 purge --registry \{\{\.Run\.Registry\}\} --filter \\"\^\(?api\)?\$:\^/);
    expect(purge).toContain('--ago 14d');
  });

  test('role assignments per registry: the pusher on dev, the promoter pulls dev and pushes prod', () => {
    const dev = JSON.parse(doc('registry platformdev', 'role-assignments'));
    const prod = JSON.parse(doc('registry platformprod', 'role-assignments'));
    expect(dev).toEqual(expect.arrayContaining([
      expect.objectContaining({ role: 'Container Registry Repository Writer', principal: 'identity platform-ci' }),
      expect.objectContaining({ role: 'Container Registry Repository Reader', principal: 'identity platform-promoter' }),
    ]));
    expect(prod).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'Container Registry Repository Writer', principal: 'identity platform-promoter' })]));
    expect(prod.some((a: any) => a.principal === 'identity platform-ci')).toBe(false);
  });

  test('trust: federated credential subjects, and no unresolved references', () => {
    expect(JSON.parse(doc('identity platform-promoter', 'federated-credential github-promoter'))).toEqual({
      issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:example/platform:environment:prod', audience: ['api://AzureADTokenExchange'],
    });
    expect(text).not.toMatch(/\$\{|_[0-9A-F]{8}\b/);
    expect(PolicyPlanText.render(AcrPolicyPlan.fromSpec(spec))).toBe(text);
  });
});

import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ENV, stackIn, strictApp } from './helpers';
import { ACCOUNT, TemplateIam } from './iam-access';
import { ContainerRegistry, RegistryPrivateEndpoints } from '../../src/aws';
import { EnvironmentLayout, Naming, RegistrySpec } from '../../src/spec';

const RUNTIME = `arn:aws:iam::${ACCOUNT}:role/runtime`;
const spec = (network: RegistrySpec['network'] = { privateAccess: true, awsDenyOutsideVpc: true }): RegistrySpec => ({
  name: 'platform',
  repositories: [{ name: 'api' }, { name: 'web' }],
  environments: { layout: EnvironmentLayout.REPOSITORIES, chain: [{ name: 'dev' }, { name: 'prod' }] },
  access: {
    pushers: [{ name: 'ci', github: { repository: 'example/platform', branch: 'main' } }],
    pullers: [{ name: 'runtime', awsPrincipalArns: [RUNTIME] }],
    promoters: [{ name: 'promoter', github: { repository: 'example/platform', environment: 'prod' } }],
  },
  network,
});

function build(s: RegistrySpec = spec(), options: { allowedVpcIds?: string[] } = {}) {
  const stack = stackIn(strictApp());
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  const registry = new ContainerRegistry(stack, 'Registry', { spec: s, privateNetwork: { vpc, ...options } });
  return { stack, vpc, registry, template: Template.fromStack(stack) };
}

describe('aws private access in a stack without a region: the endpoint service names assume the aws partition', () => {
  // aws-cdk-lib names the service by a known region ("cn.com.amazonaws.cn-north-1.ecr.dkr") and as
  // com.amazonaws.${AWS::Region}.ecr.dkr when the region is a token: right in aws and aws-us-gov only.
  const withRegion = (env?: { account: string; region: string }) => {
    const stack = new Stack(strictApp(), 'Net', env ? { env } : {});
    // The runtime role in the registry's partition (a China registry's policies can name aws-cn principals only).
    const s = spec();
    const partitioned = env ? { ...s, access: { ...s.access, pullers: [{ name: 'runtime', awsPrincipalArns: [RUNTIME.replace('arn:aws:', `arn:${Naming.awsPartition(env.region)}:`)] }] } } : s;
    new ContainerRegistry(stack, 'Registry', { spec: partitioned, privateNetwork: { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 1 }) } });
    return stack;
  };
  const warned = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('aws-endpoints-region-agnostic'));

  test('without a region: the warning, on the endpoints construct', () => {
    const stack = withRegion();
    expect(warned(stack).map((w) => w.id)).toEqual([expect.stringMatching(/Registry\/.*PrivateEndpoints|Registry\/.*Endpoints/)]);
    expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint'))).toContain('"com.amazonaws.",{"Ref":"AWS::Region"},".ecr.dkr"');
  });

  test('negative control: with its region (China), no warning, and the names of the China partition', () => {
    const stack = withRegion({ account: ACCOUNT, region: 'cn-north-1' });
    expect(warned(stack)).toEqual([]);
    const names = Object.values<any>(Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint')).map((r) => r.Properties.ServiceName);
    expect(names).toEqual(expect.arrayContaining(['cn.com.amazonaws.cn-north-1.ecr.dkr', 'cn.com.amazonaws.cn-north-1.ecr.api']));
  });
});

describe('aws private access: VPC endpoints (issue 19)', () => {
  const { registry, template } = build();

  test('interface endpoints for ecr.api and ecr.dkr with private DNS, and the S3 gateway endpoint', () => {
    // ECR user guide, "Amazon ECR interface VPC endpoints": com.amazonaws.<region>.ecr.dkr, com.amazonaws.<region>.ecr.api,
    // and "Amazon ECR uses Amazon S3 to store your image layers" (the S3 gateway endpoint).
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.eu-west-1.ecr.api', VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.eu-west-1.ecr.dkr', VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: Match.objectLike({}), VpcEndpointType: 'Gateway' });
    expect(registry.privateEndpoints?.interfaceEndpointIds).toHaveLength(2);
  });

  test('endpoint policies: the registry\'s repositories only (and login on *); S3 only the layer bucket of the region', () => {
    const endpoints = template.findResources('AWS::EC2::VPCEndpoint');
    const byType = Object.values(endpoints).map((e: any) => e.Properties);
    const ecr = byType.filter((p) => p.VpcEndpointType === 'Interface');
    for (const p of ecr) {
      const statements = p.PolicyDocument.Statement;
      expect(statements.map((x: any) => x.Sid)).toEqual(['RegistryRepositories', 'EcrLogin']);
      expect(JSON.stringify(statements[0].Resource)).toContain(':repository/platform/*');
      expect(statements[0].Action).not.toContain('ecr:BatchDeleteImage');
      expect(statements[1]).toMatchObject({ Action: 'ecr:GetAuthorizationToken', Resource: '*' });
    }
    const s3 = byType.find((p) => p.VpcEndpointType === 'Gateway');
    // ECR user guide, "Minimum Amazon S3 bucket permissions for Amazon ECR": "arn:aws:s3:::prod-region-starport-layer-bucket/*".
    expect(s3.PolicyDocument.Statement).toEqual([{
      Sid: 'EcrImageLayers',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::prod-eu-west-1-starport-layer-bucket/*']] },
    }]);
    expect(RegistryPrivateEndpoints.layerBucketObjectsArn('aws-cn', 'cn-north-1')).toBe('arn:aws-cn:s3:::prod-cn-north-1-starport-layer-bucket/*');
  });

  test('the endpoints\' security group admits HTTPS from the VPC only', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ FromPort: 443, ToPort: 443, IpProtocol: 'tcp', CidrIp: Match.anyValue() })],
    });
  });
});

describe('aws private access: pulls refused outside the VPC, without locking out AWS services (access model proof)', () => {
  const { stack, template } = build();
  const iam = TemplateIam.fromStacks([stack]);
  const [api, dkr] = Object.entries(template.findResources('AWS::EC2::VPCEndpoint'))
    .filter(([, r]: any) => r.Properties.VpcEndpointType === 'Interface').map(([id]) => id);
  const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const base = { 'aws:PrincipalIsAWSService': 'false', 'aws:ViaAWSService': 'false' };
  const pull = 'ecr:BatchGetImage';
  const repo = 'platform/prod/api';
  // A service principal's requests carry no aws:PrincipalArn (IAM: the key is the ARN of an IAM principal).
  const decide = (principal: string, context: Record<string, string>, identity: any[] = []) =>
    iam.decision(principal, pull, repo, identity, { ...(principal.startsWith('arn:') ? { 'aws:PrincipalArn': principal } : {}), ...base, ...context });

  test('the runtime puller pulls through either endpoint, and is refused from the internet or another endpoint', () => {
    expect(decide(RUNTIME, { 'aws:SourceVpce': api })).toBe('Allowed');
    expect(decide(RUNTIME, { 'aws:SourceVpce': dkr })).toBe('Allowed');
    expect(decide(RUNTIME, {})).toBe('ExplicitlyDenied');
    expect(decide(RUNTIME, { 'aws:SourceVpce': 'vpce-0123456789abcdef0', 'aws:SourceVpc': 'vpc-0123456789abcdef0' })).toBe('ExplicitlyDenied');
  });

  test('AWS services and service-linked roles are not refused: replication, pull-through caches, scanning', () => {
    // A service principal acting itself (aws:PrincipalIsAWSService true), a service acting for a principal (aws:ViaAWSService true).
    for (const service of ['ecr.amazonaws.com', 'inspector2.amazonaws.com']) {
      expect([service, decide(service, { 'aws:PrincipalIsAWSService': 'true' })]).not.toEqual([service, 'ExplicitlyDenied']);
    }
    expect(decide(RUNTIME, { 'aws:ViaAWSService': 'true' })).toBe('Allowed');
    // Service-linked roles of ECR replication and Inspector (identity policy: their managed policy, modelled as allow-all).
    for (const slr of [
      `arn:aws:iam::${ACCOUNT}:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication`,
      `arn:aws:iam::${ACCOUNT}:role/aws-service-role/inspector2.amazonaws.com/AWSServiceRoleForAmazonInspector2`,
    ]) expect([slr, decide(slr, {}, [ALLOW_ALL])]).toEqual([slr, 'Allowed']);
  });

  test('the CI roles of pushers and promoters (GitHub-hosted runners, outside the VPC) still pull; a pusher does not gain pulls', () => {
    const promoter = iam.role('RegistryIdentitiespromoterRole');
    const ci = iam.role('RegistryIdentitiesciRole');
    expect(iam.decision(promoter.arn, pull, 'platform/dev/api', promoter.policies, { 'aws:PrincipalArn': promoter.arn, ...base })).toBe('Allowed');
    expect(iam.decision(ci.arn, pull, 'platform/dev/api', ci.policies, { 'aws:PrincipalArn': ci.arn, ...base })).toBe('ImplicitlyDenied');
  });

  test('negative controls: without the service-linked-role exemption replication is refused; without the service conditions services are', () => {
    const strip = (edit: (condition: any) => void) => {
      const templates = TemplateIam.templatesOf([stack]);
      for (const r of Object.values<any>(templates[0].template.Resources)) {
        if (r.Type !== 'AWS::ECR::Repository' || !r.Properties.RepositoryPolicyText) continue;
        for (const st of r.Properties.RepositoryPolicyText.Statement) if (st.Sid === 'DenyPullsOutsideVpc') edit(st.Condition);
      }
      return new TemplateIam(templates);
    };
    const slr = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication`;
    const noSlr = strip((c) => { c.ArnNotLike['aws:PrincipalArn'] = c.ArnNotLike['aws:PrincipalArn'].slice(1); });
    expect(noSlr.decision(slr, pull, repo, [ALLOW_ALL], { 'aws:PrincipalArn': slr, ...base })).toBe('ExplicitlyDenied');
    const noService = strip((c) => { delete c.Bool; });
    expect(noService.decision('ecr.amazonaws.com', pull, repo, [], { ...base, 'aws:PrincipalIsAWSService': 'true' })).toBe('ExplicitlyDenied');
  });

  test('allowedVpcIds admit requests from those VPCs (aws:SourceVpc) without an endpoint', () => {
    const other = build(spec(), { allowedVpcIds: ['vpc-0123456789abcdef0'] });
    const evaluator = TemplateIam.fromStacks([other.stack]);
    const ctx = { 'aws:PrincipalArn': RUNTIME, ...base };
    expect(evaluator.decision(RUNTIME, pull, repo, [], { ...ctx, 'aws:SourceVpc': 'vpc-0123456789abcdef0' })).toBe('Allowed');
    expect(evaluator.decision(RUNTIME, pull, repo, [], { ...ctx, 'aws:SourceVpc': 'vpc-0fedcba9876543210' })).toBe('ExplicitlyDenied');
  });

  test('without awsDenyOutsideVpc, the endpoints exist and no repository refuses anything', () => {
    const open = build(spec({ privateAccess: true }));
    const evaluator = TemplateIam.fromStacks([open.stack]);
    expect(evaluator.decision(RUNTIME, pull, repo, [], { 'aws:PrincipalArn': RUNTIME, ...base })).toBe('Allowed');
    open.template.resourceCountIs('AWS::EC2::VPCEndpoint', 3);
  });
});

describe('aws private access: bad props', () => {
  test('privateAccess without a VPC, a VPC without privateAccess, bad ids: all reported at once', () => {
    const stack = stackIn(strictApp());
    expect(() => new ContainerRegistry(stack, 'A', { spec: spec() })).toThrow(/props\.privateNetwork: is required with network\.privateAccess/);
    const vpc = ec2.Vpc.fromVpcAttributes(new Stack(stack.node.root as any, 'Other', { env: ENV }), 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'], vpcCidrBlock: '10.0.0.0/16' });
    let message = '';
    try {
      new ContainerRegistry(stack, 'B', { spec: spec({ privateAccess: false }), privateNetwork: { vpc, allowedVpcEndpointIds: ['vpce-xyz'], allowedVpcIds: ['vpc'] } });
    } catch (e) { message = (e as Error).message; }
    expect(message).toMatch(/3 problems/);
    expect(message).toContain('props.privateNetwork: "given" needs network.privateAccess: true');
    expect(message).toContain('props.privateNetwork.allowedVpcEndpointIds[0]: "vpce-xyz" is not a VPC endpoint id');
    expect(message).toContain('props.privateNetwork.allowedVpcIds[0]: "vpc" is not a VPC id');
    expect(() => new ContainerRegistry(stack, 'C', { spec: spec(), privateNetwork: { vpc, createEndpoints: false } }))
      .toThrow(/allowedVpcEndpointIds: or allowedVpcIds is required with createEndpoints: false/);
  });

  test('includeIdentities: false with awsDenyOutsideVpc needs the CI roles named in exemptPrincipalArns (their pulls would be refused otherwise)', () => {
    const stack = stackIn(strictApp());
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0a1b2c3d', availabilityZones: ['eu-west-1a'], vpcCidrBlock: '10.0.0.0/16', privateSubnetIds: ['subnet-0a1b2c3d'], privateSubnetRouteTableIds: ['rtb-0a1b2c3d'],
    });
    expect(() => new ContainerRegistry(stack, 'A', { spec: spec(), includeIdentities: false, privateNetwork: { vpc } }))
      .toThrow('props.includeIdentities: false cannot be false with network.awsDenyOutsideVpc: the CI roles of ci, promoter run outside the VPC');
    const ci = `arn:aws:iam::${ACCOUNT}:role/ci-elsewhere`;
    const registry = new ContainerRegistry(stack, 'B', { spec: spec(), includeIdentities: false, privateNetwork: { vpc, exemptPrincipalArns: [ci] } });
    const policy = Stack.of(registry).resolve((registry.repositories['platform/dev/api'].node.defaultChild as any).repositoryPolicyText);
    const deny = policy.Statement.find((x: any) => x.Sid === 'DenyPullsOutsideVpc');
    const exempt = deny.Condition.ArnNotLike['aws:PrincipalArn'];
    expect(exempt).toHaveLength(2);
    expect(JSON.stringify(exempt[0])).toContain(':role/aws-service-role/*');
    expect(exempt[1]).toBe(ci);
  });

  test('private access adds no warning (the only one here is the spec\'s tag mutability)', () => {
    const { stack } = build();
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*')).map((w) => String(w.entry.data));
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toContain('[ack: container-registry-constructs:aws-tag-mutability]');
  });
});

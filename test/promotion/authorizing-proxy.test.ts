/**
 * The authorizing proxy on its own, in front of a fake upstream that records what
 * reaches it: which permission each Docker Registry HTTP API V2 request needs on
 * ECR, the refusals' shape, that nothing refused reaches the registry, the
 * downgrade of a mount whose source may not be read, tag moves, `Location`
 * rewriting and streamed bodies. And the AWS authorizer against hand-written
 * policies, so a vacuous authorizer (allow all, deny all) would fail here.
 */
import { createHash } from 'crypto';
import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';
import { ACR_ACTIONS, AuthorizingProxy, classify, ECR_ACTIONS, GAR_ACTIONS, PermissionCheck, RegistryOperation } from './authorizing-proxy';
import { AwsAuthorizer, CfnTemplate, repositoryArn } from './aws-authorizer';
import { request } from './oci-registry';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;

/** A fake registry: records each request (method, path with query, body size) and answers like distribution would. */
class FakeRegistry {
  public readonly seen: Array<{ method: string; url: string; bytes: number; host?: string }> = [];
  /** The digest each `<name>:<tag>` points at. */
  public readonly tags = new Map<string, string>();
  private server!: Server;

  public async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => { bytes += c.length; });
      req.on('end', () => {
        this.seen.push({ method: req.method!, url: req.url!, bytes, host: req.headers.host });
        const m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(req.url!);
        if (m && req.method === 'HEAD') {
          const digest = this.tags.get(`${m[1]}:${m[2]}`);
          res.writeHead(digest ? 200 : 404, digest ? { 'Docker-Content-Digest': digest } : {});
          res.end();
          return;
        }
        if (req.method === 'POST' && req.url!.includes('/blobs/uploads/')) {
          const name = /^\/v2\/(.+)\/blobs\/uploads\//.exec(req.url!)![1];
          const mounted = req.url!.includes('mount=');
          // distribution answers with an absolute Location built from the request's Host.
          res.writeHead(mounted ? 201 : 202, { Location: `http://${this.host}/v2/${name}/blobs/uploads/session-1?_state=x` });
          res.end();
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ bytes }));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
  }

  public get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** An authorizer from a table of allowed checks, recording each question. */
function tableAuthorizer(allowed: Array<[string, string, string?]>) {
  const asked: Array<[string, PermissionCheck]> = [];
  return {
    asked,
    decide: (identity: string, check: PermissionCheck) => {
      asked.push([identity, check]);
      return { allowed: allowed.some(([i, a, r]) => i === identity && a === check.action && r === check.repository) };
    },
  };
}

const basic = (user: string, secret: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}` });

let upstream: FakeRegistry;
let proxy: AuthorizingProxy;

beforeAll(async () => {
  upstream = new FakeRegistry();
  await upstream.start();
  proxy = await AuthorizingProxy.start({
    upstream: upstream.host,
    credentials: { alice: 'a-secret' },
    actions: ECR_ACTIONS,
    authorizer: tableAuthorizer([]),
  });
});
afterAll(async () => {
  await proxy?.stop();
  await upstream?.stop();
});
beforeEach(() => {
  proxy.clearLog();
  upstream.seen.length = 0;
  upstream.tags.clear();
});

describe('request classification (distribution routes)', () => {
  test.each([
    ['GET', '/v2/', '', [RegistryOperation.LOGIN]],
    ['GET', '/v2/platform/dev/api/manifests/1.0.0', '', [RegistryOperation.MANIFEST_READ]],
    ['HEAD', `/v2/platform/dev/api/manifests/${DIGEST}`, '', [RegistryOperation.MANIFEST_READ]],
    ['PUT', '/v2/platform/dev/api/manifests/1.0.0', '', [RegistryOperation.MANIFEST_WRITE]],
    ['DELETE', `/v2/platform/dev/api/manifests/${DIGEST}`, '', [RegistryOperation.MANIFEST_DELETE]],
    ['HEAD', `/v2/platform/dev/api/blobs/${DIGEST}`, '', [RegistryOperation.BLOB_EXISTS]],
    ['GET', `/v2/platform/dev/api/blobs/${DIGEST}`, '', [RegistryOperation.BLOB_READ]],
    ['DELETE', `/v2/platform/dev/api/blobs/${DIGEST}`, '', [RegistryOperation.BLOB_DELETE]],
    ['POST', '/v2/platform/dev/api/blobs/uploads/', '', [RegistryOperation.UPLOAD_START]],
    ['POST', '/v2/platform/dev/api/blobs/uploads/', `digest=${DIGEST}`, [RegistryOperation.UPLOAD_START, RegistryOperation.UPLOAD_CHUNK, RegistryOperation.UPLOAD_COMPLETE]],
    ['POST', '/v2/platform/staging/api/blobs/uploads/', `mount=${DIGEST}&from=platform/dev/api`, [RegistryOperation.MOUNT_SOURCE, RegistryOperation.UPLOAD_START]],
    ['PATCH', '/v2/platform/dev/api/blobs/uploads/3f2a', '', [RegistryOperation.UPLOAD_CHUNK]],
    ['PUT', '/v2/platform/dev/api/blobs/uploads/3f2a', `digest=${DIGEST}`, [RegistryOperation.UPLOAD_COMPLETE]],
    ['GET', '/v2/platform/dev/api/blobs/uploads/3f2a', '', [RegistryOperation.UPLOAD_SESSION]],
    ['DELETE', '/v2/platform/dev/api/blobs/uploads/3f2a', '', [RegistryOperation.UPLOAD_SESSION]],
    ['GET', '/v2/platform/dev/api/tags/list', '', [RegistryOperation.TAGS_LIST]],
    ['GET', '/v2/_catalog', '', [RegistryOperation.CATALOG]],
    // A repository whose path has a segment named like a route is still split at the last route segment.
    ['GET', '/v2/platform/manifests/api/manifests/1.0.0', '', [RegistryOperation.MANIFEST_READ]],
  ])('%s %s?%s', (method, path, query, operations) => {
    const c = classify(method, path, new URLSearchParams(query), 0);
    expect(c?.operations.map((o) => o.operation)).toEqual(operations);
  });

  test('the repository of each operation; a mount reads from its source; unknown routes are not classified', () => {
    expect(classify('POST', '/v2/platform/staging/api/blobs/uploads/', new URLSearchParams(`mount=${DIGEST}&from=platform/dev/api`), 0)?.operations)
      .toEqual([{ operation: RegistryOperation.MOUNT_SOURCE, name: 'platform/dev/api' }, { operation: RegistryOperation.UPLOAD_START, name: 'platform/staging/api' }]);
    expect(classify('GET', '/v2/platform/manifests/api/manifests/1.0.0', new URLSearchParams(), 0)?.name).toBe('platform/manifests/api');
    expect(classify('PUT', '/v2/platform/dev/api/blobs/uploads/3f2a', new URLSearchParams(`digest=${DIGEST}`), 10)?.operations.map((o) => o.operation))
      .toEqual([RegistryOperation.UPLOAD_CHUNK, RegistryOperation.UPLOAD_COMPLETE]);
    for (const [method, path] of [['POST', '/v2/platform/dev/api/manifests/x'], ['GET', '/v2/platform/dev/api/referrers/x'], ['PUT', '/v2/'], ['GET', '/v1/_ping']]) {
      expect([method, path, classify(method, path, new URLSearchParams(), 0)]).toEqual([method, path, undefined]);
    }
  });
});

describe('authentication', () => {
  test('the ping without credentials gets a Basic challenge (what containers/image needs to send credentials), and reaches nothing', async () => {
    const res = await request(`http://${proxy.host}/v2/`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm="/);
    expect(JSON.parse(res.body.toString()).errors[0].code).toBe('UNAUTHORIZED');
    expect(upstream.seen).toEqual([]);
  });

  test('an unknown user, a wrong secret, an empty user and a malformed header are refused without asking the authorizer', async () => {
    for (const headers of [basic('mallory', 'a-secret'), basic('alice', 'wrong'), basic('', ''), { Authorization: 'Bearer abc' }, { Authorization: 'Basic !!!' }]) {
      const res = await request(`http://${proxy.host}/v2/platform/dev/api/manifests/1.0.0`, 'GET', headers);
      expect(res.status).toBe(401);
    }
    expect(proxy.log).toEqual([]);
    expect(upstream.seen).toEqual([]);
  });
});

describe('ECR actions per request', () => {
  test.each([
    ['GET', '/v2/platform/dev/api/manifests/1.0.0', 'ecr:BatchGetImage'],
    ['HEAD', `/v2/platform/dev/api/blobs/${DIGEST}`, 'ecr:BatchCheckLayerAvailability'],
    ['GET', `/v2/platform/dev/api/blobs/${DIGEST}`, 'ecr:GetDownloadUrlForLayer'],
    ['POST', '/v2/platform/dev/api/blobs/uploads/', 'ecr:InitiateLayerUpload'],
    ['PATCH', '/v2/platform/dev/api/blobs/uploads/3f2a', 'ecr:UploadLayerPart'],
    ['PUT', `/v2/platform/dev/api/blobs/uploads/3f2a?digest=${DIGEST}`, 'ecr:CompleteLayerUpload'],
    ['PUT', '/v2/platform/dev/api/manifests/1.0.0', 'ecr:PutImage'],
    ['DELETE', `/v2/platform/dev/api/manifests/${DIGEST}`, 'ecr:BatchDeleteImage'],
    ['GET', '/v2/platform/dev/api/tags/list', 'ecr:ListImages'],
  ])('%s %s needs %s on the repository: refused (403 DENIED, nothing forwarded) without it, forwarded with it', async (method, path, action) => {
    // A chunk or a manifest has a body; the completion of an upload has none (else it also sends a last chunk).
    const body = method === 'PATCH' || (method === 'PUT' && path.includes('/manifests/')) ? Buffer.from('{}') : undefined;
    const without = tableAuthorizer([['alice', 'ecr:GetAuthorizationToken', undefined]]);
    proxy.authorizer = without;
    const denied = await request(`http://${proxy.host}${path}`, method, basic('alice', 'a-secret'), body);
    expect(denied.status).toBe(403);
    if (method !== 'HEAD') {
      expect(JSON.parse(denied.body.toString())).toEqual({ errors: [{ code: 'DENIED', message: `alice is not authorized to perform: ${action} on repository platform/dev/api`, detail: null }] });
    }
    // Only the proxy's own HEAD of a tag it is asked to put (to tell a move from a new tag) reached the registry.
    const tagCheck = method === 'PUT' && path.includes('/manifests/') ? [['HEAD', path]] : [];
    expect(upstream.seen.map((s) => [s.method, s.url])).toEqual(tagCheck);
    expect(without.asked.map(([, c]) => c)).toContainEqual({ action, repository: 'platform/dev/api' });
    upstream.seen.length = 0;

    proxy.authorizer = tableAuthorizer([['alice', 'ecr:GetAuthorizationToken', undefined], ['alice', action, 'platform/dev/api']]);
    const allowed = await request(`http://${proxy.host}${path}`, method, basic('alice', 'a-secret'), body);
    expect(allowed.status).toBeLessThan(300);
    expect(upstream.seen.map((s) => [s.method, s.url])).toEqual([...tagCheck, [method, path]]);
  });

  test('without the login permission (ecr:GetAuthorizationToken on *), nothing is allowed', async () => {
    proxy.authorizer = tableAuthorizer([['alice', 'ecr:BatchGetImage', 'platform/dev/api']]);
    const res = await request(`http://${proxy.host}/v2/platform/dev/api/manifests/1.0.0`, 'GET', basic('alice', 'a-secret'));
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body.toString()).errors[0].message).toBe('alice is not authorized to perform: ecr:GetAuthorizationToken on the registry');
  });

  test('ECR has no blob deletion and no catalog: refused, fail-closed', async () => {
    proxy.authorizer = tableAuthorizer([['alice', 'ecr:GetAuthorizationToken', undefined], ['alice', 'ecr:BatchDeleteImage', 'platform/dev/api']]);
    for (const [method, path] of [['DELETE', `/v2/platform/dev/api/blobs/${DIGEST}`], ['GET', '/v2/_catalog']]) {
      const res = await request(`http://${proxy.host}${path}`, method, basic('alice', 'a-secret'));
      expect([path, res.status, JSON.parse(res.body.toString()).errors[0].code]).toEqual([path, 403, 'DENIED']);
    }
    const unknown = await request(`http://${proxy.host}/v2/platform/dev/api/referrers/${DIGEST}`, 'GET', basic('alice', 'a-secret'));
    expect(unknown.status).toBe(405);
    expect(upstream.seen).toEqual([]);
  });
});

describe('forwarding', () => {
  const login: [string, string, string?] = ['alice', 'ecr:GetAuthorizationToken', undefined];

  test('a mount needs GetDownloadUrlForLayer on `from`: with it the mount is forwarded; without it, a plain upload (202) is started instead', async () => {
    const path = `/v2/platform/staging/api/blobs/uploads/?mount=${encodeURIComponent(DIGEST)}&from=${encodeURIComponent('platform/dev/api')}`;
    proxy.authorizer = tableAuthorizer([login, ['alice', 'ecr:InitiateLayerUpload', 'platform/staging/api'], ['alice', 'ecr:GetDownloadUrlForLayer', 'platform/dev/api']]);
    const mounted = await request(`http://${proxy.host}${path}`, 'POST', basic('alice', 'a-secret'));
    expect(mounted.status).toBe(201);
    proxy.authorizer = tableAuthorizer([login, ['alice', 'ecr:InitiateLayerUpload', 'platform/staging/api']]);
    const plain = await request(`http://${proxy.host}${path}`, 'POST', basic('alice', 'a-secret'));
    expect(plain.status).toBe(202);
    expect(upstream.seen.map((s) => s.url)).toEqual([path, '/v2/platform/staging/api/blobs/uploads/']);
    // Without write on the destination, neither.
    proxy.authorizer = tableAuthorizer([login, ['alice', 'ecr:GetDownloadUrlForLayer', 'platform/dev/api']]);
    expect((await request(`http://${proxy.host}${path}`, 'POST', basic('alice', 'a-secret'))).status).toBe(403);
    expect(upstream.seen).toHaveLength(2);
  });

  test('upload Locations point at the proxy, never at the registry', async () => {
    proxy.authorizer = tableAuthorizer([login, ['alice', 'ecr:InitiateLayerUpload', 'platform/dev/api']]);
    const res = await request(`http://${proxy.host}/v2/platform/dev/api/blobs/uploads/`, 'POST', basic('alice', 'a-secret'));
    expect(res.headers.location).toBe(`http://${proxy.host}/v2/platform/dev/api/blobs/uploads/session-1?_state=x`);
    expect(upstream.seen[0].host).toBe(proxy.host);
  });

  test('the credentials are not forwarded, and a large body is streamed through whole', async () => {
    proxy.authorizer = tableAuthorizer([login, ['alice', 'ecr:UploadLayerPart', 'platform/dev/api']]);
    const body = Buffer.alloc(8 * 1024 * 1024, 7);
    const res = await request(`http://${proxy.host}/v2/platform/dev/api/blobs/uploads/3f2a`, 'PATCH', basic('alice', 'a-secret'), body);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ bytes: body.length });
  });

  test('a manifest PUT under a tag that points at another digest is a tag move; at the same digest or a new tag, a write', async () => {
    const manifest = Buffer.from('{"schemaVersion":2}');
    const same = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
    proxy.authorizer = tableAuthorizer([login, ['alice', 'ecr:PutImage', 'platform/dev/api']]);
    upstream.tags.set('platform/dev/api:latest', OTHER);
    upstream.tags.set('platform/dev/api:1.0.0', same);
    for (const tag of ['latest', '1.0.0', 'new']) {
      expect((await request(`http://${proxy.host}/v2/platform/dev/api/manifests/${tag}`, 'PUT', basic('alice', 'a-secret'), manifest)).status).toBe(200);
    }
    expect(proxy.log.filter((e) => e.operation !== RegistryOperation.LOGIN).map((e) => [e.path, e.operation])).toEqual([
      ['/v2/platform/dev/api/manifests/latest', RegistryOperation.TAG_MOVE],
      ['/v2/platform/dev/api/manifests/1.0.0', RegistryOperation.MANIFEST_WRITE],
      ['/v2/platform/dev/api/manifests/new', RegistryOperation.MANIFEST_WRITE],
    ]);
    // The buffered manifest reaches the registry unchanged.
    expect(upstream.seen.filter((s) => s.method === 'PUT').map((s) => s.bytes)).toEqual([manifest.length, manifest.length, manifest.length]);
  });
});

describe('the three clouds\' tables', () => {
  const reads = [RegistryOperation.MANIFEST_READ, RegistryOperation.BLOB_EXISTS, RegistryOperation.BLOB_READ, RegistryOperation.MOUNT_SOURCE];
  const writes = [
    RegistryOperation.UPLOAD_START, RegistryOperation.UPLOAD_CHUNK, RegistryOperation.UPLOAD_COMPLETE, RegistryOperation.MANIFEST_WRITE,
  ];

  test.each([
    ['ECR', ECR_ACTIONS, 'ecr:BatchGetImage', 'ecr:PutImage'],
    ['Artifact Registry', GAR_ACTIONS, 'artifactregistry.repositories.downloadArtifacts', 'artifactregistry.repositories.uploadArtifacts'],
    ['ACR', ACR_ACTIONS, 'Microsoft.ContainerRegistry/registries/repositories/content/read', 'Microsoft.ContainerRegistry/registries/repositories/content/write'],
  ])('%s: no read needs the write permission, no write the read permission; blob deletion and the catalog are left out', (_cloud, table, read, write) => {
    const all = (ops: RegistryOperation[]) => new Set(ops.flatMap((o) => table.actions[o] ?? [`missing ${o}`]));
    expect(all(reads).has(write)).toBe(false);
    expect(all(writes).has(read)).toBe(false);
    expect(all([RegistryOperation.MANIFEST_READ]).has(read)).toBe(true);
    expect(all([RegistryOperation.MANIFEST_WRITE]).has(write)).toBe(true);
    expect([...all(reads), ...all(writes)].some((a) => a.startsWith('missing'))).toBe(false);
    expect(table.actions[RegistryOperation.BLOB_DELETE]).toBeUndefined();
    expect(table.actions[RegistryOperation.CATALOG]).toBeUndefined();
  });

  test('Artifact Registry checks the repository (second path segment), not the image path; a tag move also needs tags.update', () => {
    expect(GAR_ACTIONS.repositoryOf!('my-project/platform-dev/jobs/worker')).toBe('platform-dev');
    expect(GAR_ACTIONS.actions[RegistryOperation.TAG_MOVE]).toEqual(['artifactregistry.repositories.uploadArtifacts', 'artifactregistry.tags.update']);
  });
});

describe('AWS authorizer (iam-simulate over role policies)', () => {
  const policy = (statements: any[]) => ({ Version: '2012-10-17', Statement: statements });
  const template: CfnTemplate = {
    Resources: {
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
      Inline: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          Roles: [{ Ref: 'Role' }],
          PolicyDocument: policy([
            { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
            { Effect: 'Allow', Action: ['ecr:BatchGetImage'], Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:eu-west-1:123456789012:repository/platform/dev/api']] } },
          ]),
        },
      },
      Managed: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: policy([{ Effect: 'Allow', Action: 'ecr:PutImage', Resource: repositoryArn('platform/staging/*') }]) },
      },
      Unrelated: {
        Type: 'AWS::IAM::Policy',
        Properties: { Roles: [{ Ref: 'Other' }], PolicyDocument: policy([{ Effect: 'Allow', Action: 'ecr:*', Resource: '*' }]) },
      },
    },
  };
  const authorizer = AwsAuthorizer.fromTemplate(template, { alice: 'Role' });

  test.each([
    ['ecr:GetAuthorizationToken', undefined, true],
    ['ecr:BatchGetImage', 'platform/dev/api', true],
    // An exact ARN does not cover a repository sharing its prefix, nor another action.
    ['ecr:BatchGetImage', 'platform/dev/apix', false],
    ['ecr:BatchGetImage', 'platform/dev/api/x', false],
    ['ecr:GetDownloadUrlForLayer', 'platform/dev/api', false],
    // The managed policy attached to the role counts; the unrelated role's policy does not.
    ['ecr:PutImage', 'platform/staging/api', true],
    ['ecr:PutImage', 'platform/prod/api', false],
  ])('%s on %s: %s', async (action, repository, expected) => {
    expect((await authorizer.decide('alice', { action, repository })).allowed).toBe(expected);
  });

  test('an identity without a role is refused everything', async () => {
    expect(await authorizer.decide('bob', { action: 'ecr:GetAuthorizationToken' })).toEqual({ allowed: false, reason: 'no role was created for "bob"' });
  });

  test('an intrinsic it cannot resolve fails loudly instead of being ignored', () => {
    const bad: CfnTemplate = JSON.parse(JSON.stringify(template));
    bad.Resources.Inline.Properties.PolicyDocument.Statement[1].Resource = { 'Fn::GetAtt': ['Repo', 'Arn'] };
    expect(() => AwsAuthorizer.fromTemplate(bad, { alice: 'Role' })).toThrow(/cannot resolve Fn::GetAtt/);
  });
});

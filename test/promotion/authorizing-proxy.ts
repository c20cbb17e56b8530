/**
 * An authorizing proxy in front of the loopback registry of the promotion
 * integration tests (Debian's docker-registry has no access control of its own).
 *
 * It authenticates the caller with HTTP basic auth (`skopeo --creds
 * identity:secret`, the identity being a name of the spec's `access` section),
 * classifies each Docker Registry HTTP API V2 request into a registry operation
 * on a repository, maps the operation to the permission the cloud checks
 * (`CloudActions`), asks an authorizer whether the identity has it on that
 * repository, and refuses with the registry's own error shape otherwise
 * (`{"errors":[{"code":"DENIED",...}]}`, 403; 401 `UNAUTHORIZED` for an
 * unknown caller); allowed requests are forwarded with their bodies streamed.
 *
 * Authentication, as skopeo 1.9 (containers/image v5) does it: the client pings
 * `GET /v2/` without credentials and keeps the challenges of that answer; with a
 * `Basic` challenge it then sends `Authorization: Basic` on every request, and
 * with none it sends no credentials at all (containers/image
 * `docker/docker_client.go`, `detectPropertiesHelper` and `setupRequestAuth`:
 * "we're using the challenges from the /v2/ ping response"). So the proxy answers
 * an unauthenticated ping with 401 and `WWW-Authenticate: Basic`, like
 * distribution's htpasswd auth does. The registry's token scopes (`pull`,
 * `push`) are not used: they cannot express push without pull.
 */
import { createHash, randomUUID } from 'crypto';
import { createServer, IncomingHttpHeaders, IncomingMessage, request as httpRequest, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';

/** What a registry request does, independent of the cloud. */
export enum RegistryOperation {
  /** `GET /v2/` with credentials: logging in. */
  LOGIN = 'login',
  /** `GET` or `HEAD /v2/<name>/manifests/<reference>`. */
  MANIFEST_READ = 'manifest-read',
  /** `PUT /v2/<name>/manifests/<reference>` of a new tag or digest. */
  MANIFEST_WRITE = 'manifest-write',
  /** `PUT /v2/<name>/manifests/<tag>` where the tag already points at another digest. */
  TAG_MOVE = 'tag-move',
  /** `DELETE /v2/<name>/manifests/<reference>`. */
  MANIFEST_DELETE = 'manifest-delete',
  /** `HEAD /v2/<name>/blobs/<digest>`. */
  BLOB_EXISTS = 'blob-exists',
  /** `GET /v2/<name>/blobs/<digest>`. */
  BLOB_READ = 'blob-read',
  /** `DELETE /v2/<name>/blobs/<digest>`. */
  BLOB_DELETE = 'blob-delete',
  /** `POST /v2/<name>/blobs/uploads/`. */
  UPLOAD_START = 'upload-start',
  /** `PATCH /v2/<name>/blobs/uploads/<uuid>` (and a `PUT` that carries the last chunk). */
  UPLOAD_CHUNK = 'upload-chunk',
  /** `PUT /v2/<name>/blobs/uploads/<uuid>?digest=`. */
  UPLOAD_COMPLETE = 'upload-complete',
  /** `GET` (status) or `DELETE` (cancel) of an upload session. */
  UPLOAD_SESSION = 'upload-session',
  /** The `from` repository of a cross-repository mount (`POST .../blobs/uploads/?mount=<digest>&from=<repo>`). */
  MOUNT_SOURCE = 'mount-source',
  /** `GET /v2/<name>/tags/list`. */
  TAGS_LIST = 'tags-list',
  /** `GET /v2/_catalog`. */
  CATALOG = 'catalog',
}

/** One permission check: a native action (or permission) on a repository, or registry-wide. */
export interface PermissionCheck {
  /** The cloud's action or permission (`ecr:BatchGetImage`). */
  readonly action: string;
  /** The repository as the registry names it (`platform/dev/api`), or undefined for a registry-wide check. */
  readonly repository?: string;
}

/**
 * A cloud's table from registry operations to the permissions it checks; an
 * operation the table leaves out is refused (`DENIED`, fail-closed), and one
 * mapped to an empty list needs no permission.
 */
export interface CloudActions {
  /** The cloud, for messages. */
  readonly cloud: string;
  /** The actions of each operation (all must be allowed). */
  readonly actions: Partial<Record<RegistryOperation, string[]>>;
  /** The repository the permissions apply to, from the registry path (default: the path itself). */
  readonly repositoryOf?: (name: string) => string;
}

/** An authorizer's answer. */
export interface Decision {
  readonly allowed: boolean;
  /** Why, for the refusal message. */
  readonly reason?: string;
}

/** Decides whether an identity has a permission (the evaluated model of a cloud). */
export interface Authorizer {
  decide(identity: string, check: PermissionCheck): Promise<Decision> | Decision;
}

/** One authorization decision the proxy made, for the tests to inspect. */
export interface ProxyLogEntry {
  readonly identity: string;
  readonly method: string;
  readonly path: string;
  readonly operation: RegistryOperation;
  readonly check: PermissionCheck;
  readonly allowed: boolean;
}

/** Options of `AuthorizingProxy.start`. */
export interface AuthorizingProxyOptions {
  /** The upstream registry, `host:port` (plain HTTP). */
  readonly upstream: string;
  /** The secret of each identity (basic auth user = identity name). */
  readonly credentials: Record<string, string>;
  /** The cloud's operation -> permission table. */
  readonly actions: CloudActions;
  /** The authorizer. */
  readonly authorizer: Authorizer;
}

/**
 * The Elastic Container Registry table. AWS documents the API actions the
 * registry proxy calls, not the HTTP routes; each row cites the action's API
 * reference (docs.aws.amazon.com/AmazonECR/latest/APIReference/API_<Action>.html):
 * - login: `ecr:GetAuthorizationToken` on `*` ("A user must authenticate to each
 *   Amazon ECR registry they want to push images to by requesting an
 *   authorization token", userguide/image-push-iam.html);
 * - manifest GET/HEAD: `ecr:BatchGetImage` ("Gets detailed information for an
 *   image"; the pull policy of userguide/image-push-iam.html and the managed
 *   policy AmazonEC2ContainerRegistryPullOnly grant it for pulls);
 * - blob HEAD: `ecr:BatchCheckLayerAvailability` ("When an image is pushed to a
 *   repository, each image layer is checked to verify if it has been uploaded before");
 * - blob GET: `ecr:GetDownloadUrlForLayer` ("When an image is pulled, the
 *   GetDownloadUrlForLayer API is called once per image layer that is not already cached");
 * - upload POST / PATCH / PUT: `ecr:InitiateLayerUpload` ("called once per image
 *   layer that has not already been uploaded"), `ecr:UploadLayerPart` ("each new
 *   image layer is uploaded in parts"), `ecr:CompleteLayerUpload`;
 * - manifest PUT, new or moved tag: `ecr:PutImage` ("Creates or updates the image
 *   manifest and tags associated with an image"): ECR cannot tell a tag move from
 *   a new tag;
 * - a mount's `from`: `ecr:GetDownloadUrlForLayer` ("Users need
 *   ecr:GetDownloadUrlForLayer IAM permission on a repository to mount layers from
 *   the repository", userguide/blob-mounting.html);
 * - manifest DELETE: `ecr:BatchDeleteImage`; tags list: `ecr:ListImages`
 *   ("Lists all the image IDs for the specified repository").
 * Not documented, the proxy's choice: the status and cancellation of an upload
 * session need `ecr:UploadLayerPart` (the client's own session). ECR has no API to
 * delete a blob and no catalog route: both are refused.
 */
export const ECR_ACTIONS: CloudActions = {
  cloud: 'aws',
  actions: {
    [RegistryOperation.LOGIN]: ['ecr:GetAuthorizationToken'],
    [RegistryOperation.MANIFEST_READ]: ['ecr:BatchGetImage'],
    [RegistryOperation.MANIFEST_WRITE]: ['ecr:PutImage'],
    [RegistryOperation.TAG_MOVE]: ['ecr:PutImage'],
    [RegistryOperation.MANIFEST_DELETE]: ['ecr:BatchDeleteImage'],
    [RegistryOperation.BLOB_EXISTS]: ['ecr:BatchCheckLayerAvailability'],
    [RegistryOperation.BLOB_READ]: ['ecr:GetDownloadUrlForLayer'],
    [RegistryOperation.UPLOAD_START]: ['ecr:InitiateLayerUpload'],
    [RegistryOperation.UPLOAD_CHUNK]: ['ecr:UploadLayerPart'],
    [RegistryOperation.UPLOAD_COMPLETE]: ['ecr:CompleteLayerUpload'],
    [RegistryOperation.UPLOAD_SESSION]: ['ecr:UploadLayerPart'],
    [RegistryOperation.MOUNT_SOURCE]: ['ecr:GetDownloadUrlForLayer'],
    [RegistryOperation.TAGS_LIST]: ['ecr:ListImages'],
  },
};

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** A classified request: the operations it performs, each on a registry path. */
interface Classified {
  readonly name?: string;
  readonly operations: Array<{ operation: RegistryOperation; name?: string }>;
  /** For a manifest PUT of a tag: the tag, to tell a move from a creation. */
  readonly tag?: string;
}

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Classifies a Docker Registry HTTP API V2 request (distribution's routes, `registry/api/v2/routes.go`). */
export function classify(method: string, pathname: string, query: URLSearchParams, contentLength: number): Classified | undefined {
  if (pathname === '/v2/' || pathname === '/v2') return method === 'GET' || method === 'HEAD' ? { operations: [{ operation: RegistryOperation.LOGIN }] } : undefined;
  if (pathname === '/v2/_catalog') return method === 'GET' ? { operations: [{ operation: RegistryOperation.CATALOG }] } : undefined;
  let m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(pathname);
  if (m) {
    const [, name, reference] = m;
    const tag = DIGEST.test(reference) ? undefined : reference;
    if (method === 'GET' || method === 'HEAD') return { name, operations: [{ operation: RegistryOperation.MANIFEST_READ, name }] };
    if (method === 'PUT') return { name, tag, operations: [{ operation: RegistryOperation.MANIFEST_WRITE, name }] };
    if (method === 'DELETE') return { name, operations: [{ operation: RegistryOperation.MANIFEST_DELETE, name }] };
    return undefined;
  }
  m = /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/.exec(pathname);
  if (m) {
    const [, name, session] = m;
    if (method === 'POST' && session === '') {
      const from = query.get('from');
      if (query.get('mount') && from) {
        return { name, operations: [{ operation: RegistryOperation.MOUNT_SOURCE, name: from }, { operation: RegistryOperation.UPLOAD_START, name }] };
      }
      // A monolithic upload (`POST ...?digest=`) starts, sends and completes in one request.
      const ops = query.get('digest')
        ? [RegistryOperation.UPLOAD_START, RegistryOperation.UPLOAD_CHUNK, RegistryOperation.UPLOAD_COMPLETE]
        : [RegistryOperation.UPLOAD_START];
      return { name, operations: ops.map((operation) => ({ operation, name })) };
    }
    if (session === '') return undefined;
    if (method === 'PATCH') return { name, operations: [{ operation: RegistryOperation.UPLOAD_CHUNK, name }] };
    if (method === 'PUT') {
      const ops = contentLength > 0 ? [RegistryOperation.UPLOAD_CHUNK, RegistryOperation.UPLOAD_COMPLETE] : [RegistryOperation.UPLOAD_COMPLETE];
      return { name, operations: ops.map((operation) => ({ operation, name })) };
    }
    if (method === 'GET' || method === 'DELETE') return { name, operations: [{ operation: RegistryOperation.UPLOAD_SESSION, name }] };
    return undefined;
  }
  m = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(pathname);
  if (m) {
    const [, name] = m;
    if (method === 'HEAD') return { name, operations: [{ operation: RegistryOperation.BLOB_EXISTS, name }] };
    if (method === 'GET') return { name, operations: [{ operation: RegistryOperation.BLOB_READ, name }] };
    if (method === 'DELETE') return { name, operations: [{ operation: RegistryOperation.BLOB_DELETE, name }] };
    return undefined;
  }
  m = /^\/v2\/(.+)\/tags\/list$/.exec(pathname);
  if (m && method === 'GET') return { name: m[1], operations: [{ operation: RegistryOperation.TAGS_LIST, name: m[1] }] };
  return undefined;
}

/** A running authorizing proxy. */
export class AuthorizingProxy {
  /** Starts the proxy on a free loopback port. */
  public static async start(options: AuthorizingProxyOptions): Promise<AuthorizingProxy> {
    const proxy = new AuthorizingProxy(options);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  /** Every decision, in order (cleared with `clearLog`). */
  public readonly log: ProxyLogEntry[] = [];
  /** The authorizer: replace it to run the same registry under another model. */
  public authorizer: Authorizer;
  /** The operation -> permission table. */
  public actions: CloudActions;
  private readonly server: Server;
  private readonly realm = `authorizing-proxy-${randomUUID()}`;

  private constructor(private readonly options: AuthorizingProxyOptions) {
    this.authorizer = options.authorizer;
    this.actions = options.actions;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e) => {
        if (!res.headersSent) this.error(res, 500, 'UNKNOWN', `authorizing proxy: ${e instanceof Error ? e.message : String(e)}`);
        else res.destroy();
      });
    });
    // skopeo with --tls-verify=false tries https first: a TLS ClientHello is not HTTP, so close at once (Go's
    // servers answer 400 the same way) and let it fall back to http.
    this.server.on('clientError', (_e, socket) => socket.destroy());
  }

  /** `host:port` of the proxy: the registry the scripts are pointed at. */
  public get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The refused checks of the log. */
  public refusals(): ProxyLogEntry[] {
    return this.log.filter((e) => !e.allowed);
  }

  public clearLog(): void {
    this.log.length = 0;
  }

  /** Stops accepting connections and closes the open ones. */
  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const method = req.method ?? 'GET';
    const identity = this.authenticate(req.headers);
    if (identity === undefined) {
      req.resume();
      // The ping without credentials gets the challenge (containers/image sends credentials only after it).
      this.error(res, 401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': `Basic realm="${this.realm}"` });
      return;
    }
    const contentLength = Number(req.headers['content-length'] ?? 0);
    const classified = classify(method, url.pathname, url.searchParams, contentLength);
    if (!classified) {
      req.resume();
      this.error(res, 405, 'UNSUPPORTED', `the authorizing proxy does not know which permission ${method} ${url.pathname} needs on ${this.actions.cloud}: refused`);
      return;
    }
    // Every authenticated request needs the login permission (on ECR, the authorization token is the password).
    const ops: Array<{ operation: RegistryOperation; name?: string }> = classified.operations[0].operation === RegistryOperation.LOGIN
      ? [...classified.operations]
      : [{ operation: RegistryOperation.LOGIN }, ...classified.operations];
    // A manifest PUT under a tag that points at another digest moves the tag: the body (a manifest, small) is read
    // first to know its digest.
    let body: Buffer | undefined;
    if (classified.tag !== undefined && classified.name !== undefined) {
      body = await readBody(req, 4 * 1024 * 1024);
      const current = await this.upstreamDigest(classified.name, classified.tag);
      const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
      if (current !== undefined && current !== digest) ops[ops.length - 1] = { operation: RegistryOperation.TAG_MOVE, name: classified.name };
    }
    let forwardQuery = url.search;
    for (const op of ops) {
      const denied = await this.check(identity, method, url.pathname, op.operation, op.name);
      if (!denied) continue;
      if (op.operation === RegistryOperation.MOUNT_SOURCE) {
        // "If the registry does not support cross-repository mounting or is unable to mount the requested blob,
        // it SHOULD return a 202" and start an upload session (OCI distribution spec, "Mounting a blob from another
        // repository"): the source may not be read, so the request becomes a plain upload to the destination.
        const q = new URLSearchParams(url.searchParams);
        q.delete('mount');
        q.delete('from');
        forwardQuery = q.toString() ? `?${q.toString()}` : '';
        continue;
      }
      if (!body) req.resume();
      this.error(res, 403, 'DENIED', denied);
      return;
    }
    this.forward(req, res, method, `${url.pathname}${forwardQuery}`, body);
  }

  /** Returns a refusal message, or undefined when every action of the operation is allowed. */
  private async check(identity: string, method: string, path: string, operation: RegistryOperation, name?: string): Promise<string | undefined> {
    const actions = this.actions.actions[operation];
    const repository = name === undefined ? undefined : (this.actions.repositoryOf ?? ((n: string) => n))(name);
    // An operation the table leaves out is refused; an empty list needs no permission (a login that is only authentication).
    if (!actions) {
      this.log.push({ identity, method, path, operation, check: { action: `(none on ${this.actions.cloud})`, repository }, allowed: false });
      return `${operation} is not supported on ${this.actions.cloud}`;
    }
    for (const action of actions) {
      const check: PermissionCheck = { action, repository };
      const decision = await this.authorizer.decide(identity, check);
      this.log.push({ identity, method, path, operation, check, allowed: decision.allowed });
      if (!decision.allowed) {
        return `${identity} is not authorized to perform: ${action} on ${repository === undefined ? 'the registry' : `repository ${repository}`}`
          + (decision.reason ? ` (${decision.reason})` : '');
      }
    }
    return undefined;
  }

  /** The identity of a request with valid basic credentials, or undefined. */
  private authenticate(headers: IncomingHttpHeaders): string | undefined {
    const auth = headers.authorization;
    if (!auth || !/^basic /i.test(auth)) return undefined;
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return undefined;
    const user = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    return Object.prototype.hasOwnProperty.call(this.options.credentials, user) && this.options.credentials[user] === secret ? user : undefined;
  }

  /** The digest a tag points at upstream, or undefined when it does not exist. */
  private async upstreamDigest(name: string, tag: string): Promise<string | undefined> {
    return new Promise<string | undefined>((resolve, reject) => {
      const r = httpRequest(`http://${this.options.upstream}/v2/${name}/manifests/${tag}`, { method: 'HEAD', headers: { Accept: MANIFEST_TYPES }, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode === 200 ? String(res.headers['docker-content-digest'] ?? '') : undefined);
      });
      r.on('error', reject);
      r.end();
    });
  }

  private forward(req: IncomingMessage, res: ServerResponse, method: string, pathAndQuery: string, body?: Buffer): void {
    const headers = { ...req.headers };
    delete headers.authorization;
    const up = httpRequest(`http://${this.options.upstream}${pathAndQuery}`, { method, headers, agent: false }, (upRes) => {
      const out = { ...upRes.headers };
      // distribution builds upload `Location`s from the request's Host (the proxy's, passed through); an absolute
      // upstream URL would bypass the proxy, so it is rewritten either way.
      if (typeof out.location === 'string') out.location = out.location.replace(`http://${this.options.upstream}`, `http://${this.host}`);
      res.writeHead(upRes.statusCode ?? 502, out);
      upRes.pipe(res);
    });
    up.on('error', (e) => {
      if (!res.headersSent) this.error(res, 502, 'UNKNOWN', `upstream registry: ${e.message}`);
      else res.destroy();
    });
    if (body) up.end(body);
    else req.pipe(up);
  }

  private error(res: ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}): void {
    const body = JSON.stringify({ errors: [{ code, message, detail: null }] });
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Docker-Distribution-API-Version': 'registry/2.0', ...extra });
    res.end(body);
  }
}

/** Reads a request body (at most `limit` bytes). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error(`manifest larger than ${limit} bytes`));
        req.destroy();
      } else {
        chunks.push(c);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The Artifact Registry table. Google documents permissions per role, not per
 * Docker route: "Artifact Registry Reader (roles/artifactregistry.reader): Access
 * to read repository items" with `artifactregistry.repositories.downloadArtifacts`,
 * and "Artifact Registry Writer (roles/artifactregistry.writer): Access to read and
 * write repository items", adding `artifactregistry.repositories.uploadArtifacts`,
 * `artifactregistry.tags.create` and `artifactregistry.tags.update`
 * (cloud.google.com/iam/docs/roles-permissions/artifactregistry); pulling needs
 * the reader role and pushing the writer role (artifact-registry/docs/access-control).
 * So: every read (manifests, blobs, tag lists, a mount's source) needs
 * downloadArtifacts; every upload and manifest put needs uploadArtifacts; a put
 * that moves an existing tag also needs `artifactregistry.tags.update` (the
 * permission of the `tags.patch` API method; that the Docker endpoint checks it on
 * a tag move is this proxy's assumption, not documented); a manifest delete needs
 * `artifactregistry.versions.delete` (repoAdmin only). Logging in is an OAuth
 * token exchange: no Artifact Registry permission. The repository is the
 * second path segment (`<project>/<repository>/<image>`).
 */
export const GAR_ACTIONS: CloudActions = {
  cloud: 'gcp',
  actions: {
    [RegistryOperation.LOGIN]: [],
    [RegistryOperation.MANIFEST_READ]: ['artifactregistry.repositories.downloadArtifacts'],
    [RegistryOperation.MANIFEST_WRITE]: ['artifactregistry.repositories.uploadArtifacts'],
    [RegistryOperation.TAG_MOVE]: ['artifactregistry.repositories.uploadArtifacts', 'artifactregistry.tags.update'],
    [RegistryOperation.MANIFEST_DELETE]: ['artifactregistry.versions.delete'],
    [RegistryOperation.BLOB_EXISTS]: ['artifactregistry.repositories.downloadArtifacts'],
    [RegistryOperation.BLOB_READ]: ['artifactregistry.repositories.downloadArtifacts'],
    [RegistryOperation.UPLOAD_START]: ['artifactregistry.repositories.uploadArtifacts'],
    [RegistryOperation.UPLOAD_CHUNK]: ['artifactregistry.repositories.uploadArtifacts'],
    [RegistryOperation.UPLOAD_COMPLETE]: ['artifactregistry.repositories.uploadArtifacts'],
    [RegistryOperation.UPLOAD_SESSION]: ['artifactregistry.repositories.uploadArtifacts'],
    [RegistryOperation.MOUNT_SOURCE]: ['artifactregistry.repositories.downloadArtifacts'],
    [RegistryOperation.TAGS_LIST]: ['artifactregistry.repositories.downloadArtifacts'],
  },
  repositoryOf: (name) => name.split('/')[1] ?? name,
};

const ACR_DATA = 'Microsoft.ContainerRegistry/registries/repositories';

/**
 * The Azure Container Registry table (data actions of Microsoft Entra role
 * assignments, with ABAC repository conditions), from the descriptions of the
 * repository actions in "Create a token with repository-scoped permissions"
 * (learn.microsoft.com/azure/container-registry/container-registry-repository-scoped-permissions):
 * `content/read` "Read data from the repository. For example, pull an artifact";
 * `metadata/read` "Read metadata from the repository. For example, list tags or
 * show manifest metadata"; `content/write` "Write data to the repository. Use with
 * `content/read` to push an artifact"; `metadata/write` "Write metadata to the
 * repository. For example, update manifest attributes"; `content/delete` "Remove
 * data from the repository. For example, delete a repository or a manifest". So
 * manifest and blob reads (and a mount's source) need content/read, the tag list
 * metadata/read, uploads and manifest puts (a tag move included) content/write, a
 * manifest delete content/delete; the login is a token exchange with no data
 * action. Decided by `AzureAuthorizer` (azure-authorizer.ts), through the Azure
 * access evaluator of test/azure. The repository is the path itself: with
 * several registries its first segment is the registry name, which the
 * authorizer splits off.
 */
export const ACR_ACTIONS: CloudActions = {
  cloud: 'azure',
  actions: {
    [RegistryOperation.LOGIN]: [],
    [RegistryOperation.MANIFEST_READ]: [`${ACR_DATA}/content/read`],
    [RegistryOperation.MANIFEST_WRITE]: [`${ACR_DATA}/content/write`],
    [RegistryOperation.TAG_MOVE]: [`${ACR_DATA}/content/write`],
    [RegistryOperation.MANIFEST_DELETE]: [`${ACR_DATA}/content/delete`],
    [RegistryOperation.BLOB_EXISTS]: [`${ACR_DATA}/content/read`],
    [RegistryOperation.BLOB_READ]: [`${ACR_DATA}/content/read`],
    [RegistryOperation.UPLOAD_START]: [`${ACR_DATA}/content/write`],
    [RegistryOperation.UPLOAD_CHUNK]: [`${ACR_DATA}/content/write`],
    [RegistryOperation.UPLOAD_COMPLETE]: [`${ACR_DATA}/content/write`],
    [RegistryOperation.UPLOAD_SESSION]: [`${ACR_DATA}/content/write`],
    [RegistryOperation.MOUNT_SOURCE]: [`${ACR_DATA}/content/read`],
    [RegistryOperation.TAGS_LIST]: [`${ACR_DATA}/metadata/read`],
  },
};

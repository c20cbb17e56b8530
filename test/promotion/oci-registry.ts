/**
 * A real OCI registry on loopback for the promotion integration tests: Debian's
 * `docker-registry` (distribution 2.8) started on a free port with a temporary
 * storage directory, and images seeded without Docker, as OCI layouts pushed
 * with skopeo.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { IncomingHttpHeaders, request as httpRequest } from 'http';
import { AddressInfo, createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

/** Fails (does not skip) when the binaries are missing: CI installs them. */
export function requireTools(): void {
  const missing = ['docker-registry', 'skopeo', 'sha256sum'].filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status !== 0,
  );
  if (missing.length > 0) {
    throw new Error(
      `the promotion integration tests need ${missing.join(' and ')} on PATH: install them with ` +
      '`sudo apt-get install -y docker-registry skopeo` (.ci/run does this in CI)',
    );
  }
}

/** One HTTP request without keep-alive (so no socket outlives the test). */
export function request(
  url: string, method = 'GET', headers: Record<string, string> = {}, body?: Buffer,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** A running registry. */
export class LocalRegistry {
  /**
   * Starts `docker-registry serve` and waits until `/v2/` answers. With
   * `htpasswd` (lines `user:<bcrypt hash>`), the registry requires basic auth.
   */
  public static async start(options: { htpasswd?: string } = {}): Promise<LocalRegistry> {
    requireTools();
    const dir = mkdtempSync(join(tmpdir(), 'oci-registry-'));
    const port = await freePort();
    const config = [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'storage')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      ...(options.htpasswd ? ['auth:', '  htpasswd:', '    realm: test', `    path: ${join(dir, 'htpasswd')}`] : []),
      '',
    ].join('\n');
    if (options.htpasswd) writeFileSync(join(dir, 'htpasswd'), options.htpasswd);
    writeFileSync(join(dir, 'config.yml'), config);
    const log = openSync(join(dir, 'registry.log'), 'a');
    const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', log, log] });
    closeSync(log);
    const registry = new LocalRegistry(child, `127.0.0.1:${port}`, dir);
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const res = await request(`http://${registry.host}/v2/`);
        if (res.status === 200 || (options.htpasswd && res.status === 401)) break;
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        await registry.stop();
        throw new Error(`docker-registry did not start on ${registry.host}: ${readFileSync(join(dir, 'registry.log'), 'utf8')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return registry;
  }

  private constructor(private readonly child: ChildProcess, public readonly host: string, public readonly dir: string) {}

  /** Stops the registry by its pid and removes its storage. */
  public async stop(): Promise<void> {
    const running = () => this.child.exitCode === null && this.child.signalCode === null;
    if (running() && this.child.pid !== undefined) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => { timer = setTimeout(r, 3000); })]);
      clearTimeout(timer);
      if (running()) this.child.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** `GET /v2/_catalog`: every repository in the registry, sorted. */
  public async catalog(): Promise<string[]> {
    const res = await request(`http://${this.host}/v2/_catalog`);
    return [...((JSON.parse(res.body.toString('utf8')) as { repositories?: string[] }).repositories ?? [])].sort();
  }

  /** `GET /v2/<repo>/tags/list`: the repository's tags, sorted (empty when the repository does not exist). */
  public async tags(repository: string): Promise<string[]> {
    const res = await request(`http://${this.host}/v2/${repository}/tags/list`);
    if (res.status === 404) return [];
    const body = JSON.parse(res.body.toString('utf8')) as { tags?: string[] | null };
    return [...(body.tags ?? [])].sort();
  }

  /** The digest a tag or digest resolves to (`Docker-Content-Digest`), or undefined when absent. */
  public async digest(repository: string, reference: string): Promise<string | undefined> {
    const res = await request(`http://${this.host}/v2/${repository}/manifests/${reference}`, 'HEAD', { Accept: MANIFEST_TYPES });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`HEAD ${repository}:${reference}: ${res.status}`);
    return (res.headers['docker-content-digest'] as string | undefined) ?? undefined;
  }

  /**
   * Pushes an image with skopeo under its first tag, then adds the other tags
   * through the registry API (PUT of the same manifest bytes), the way a build
   * pushes one image with several tags, faster than one skopeo copy per tag.
   * With `via` (a proxy's `host:port`) and `creds` (`user:password`), both go
   * through that host with those credentials (basic auth).
   */
  public async pushTags(layout: OciImage, repository: string, tags: string[], options: PushOptions = {}): Promise<void> {
    const host = options.via ?? this.host;
    const auth: Record<string, string> = options.creds ? { Authorization: `Basic ${Buffer.from(options.creds).toString('base64')}` } : {};
    await this.copy(layout, repository, tags[0], options);
    // The manifest bytes come from the layout itself (a read of the registry would need pull access).
    const manifest = readFileSync(join(layout.dir, 'blobs', ...layout.digest.split(':')));
    const mediaType = (JSON.parse(manifest.toString('utf8')) as { mediaType: string }).mediaType;
    for (const tag of tags.slice(1)) {
      const res = await request(`http://${host}/v2/${repository}/manifests/${tag}`, 'PUT', { 'Content-Type': mediaType, ...auth }, manifest);
      if (res.status !== 201) throw new Error(`PUT ${repository}:${tag}: ${res.status} ${res.body.toString('utf8')}`);
    }
  }

  /** Pushes an OCI layout's tag with skopeo (`--all` for indexes) and returns its digest. */
  public push(layout: OciImage, repository: string, tag: string, creds?: string): string {
    const res = spawnSync('skopeo', copyArgs(layout, `${this.host}/${repository}:${tag}`, creds), { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`skopeo copy to ${repository}:${tag} failed: ${res.stderr}`);
    return layout.digest;
  }

  /**
   * `push` without blocking the event loop (a proxy in this process must keep
   * answering), through `via` with `creds` when given; rejects with skopeo's stderr.
   */
  public async copy(layout: OciImage, repository: string, tag: string, options: PushOptions = {}): Promise<string> {
    const res = await run('skopeo', copyArgs(layout, `${options.via ?? this.host}/${repository}:${tag}`, options.creds), options.home ? skopeoHome(options.home) : {});
    if (res.code !== 0) throw new Error(`skopeo copy to ${repository}:${tag} failed: ${res.err}`);
    return layout.digest;
  }
}

function copyArgs(layout: OciImage, destination: string, creds?: string): string[] {
  return [
    'copy', '--all', '--preserve-digests', '--dest-tls-verify=false', ...(creds ? [`--dest-creds=${creds}`] : []),
    `oci:${layout.dir}:${layout.tag}`, `docker://${destination}`,
  ];
}

/**
 * The environment that gives skopeo its own blob info cache in `home`. The cache
 * remembers where each blob was seen, and skopeo probes (HEAD) and mounts from
 * those repositories: a cache shared with other runs makes the requests, and so
 * the authorizing proxy's decisions, depend on them. Run as root, containers/image
 * uses /var/lib/containers/cache whatever HOME is; a non-zero
 * `_CONTAINERS_ROOTLESS_UID` (read by containers/storage `pkg/unshare`) makes it use
 * `$XDG_DATA_HOME/containers/cache` (containers/image `pkg/blobinfocache/default.go`;
 * checked with `skopeo --debug`: "Using blob info cache at <home>/containers/cache/...").
 */
export function skopeoHome(home: string): Record<string, string> {
  return { HOME: home, XDG_DATA_HOME: home, _CONTAINERS_ROOTLESS_UID: '1000' };
}

/** Runs a command without blocking the event loop; `env` is added to this process's environment. */
export function run(
  command: string, args: string[], env: Record<string, string> = {}, replaceEnv = false,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: replaceEnv ? env : { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** Where and as whom `LocalRegistry.push` and `pushTags` push. */
export interface PushOptions {
  /** Another host to push through (the authorizing proxy), `host:port`. */
  readonly via?: string;
  /** `user:password` for basic auth. */
  readonly creds?: string;
  /** A folder of skopeo's own, for its blob info cache (`skopeoHome`). */
  readonly home?: string;
}

/** An image built as an OCI layout directory. */
export interface OciImage {
  readonly dir: string;
  readonly tag: string;
  /** The digest of the top-level manifest (or index). */
  readonly digest: string;
  /** The per-platform manifest digests, for an index. */
  readonly platformDigests: string[];
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** A one-file tar archive (ustar), enough for a layer. */
function tar(name: string, content: string): Buffer {
  const body = Buffer.from(content);
  const header = Buffer.alloc(512);
  const put = (text: string, offset: number, length: number) => header.write(text.slice(0, length), offset, 'ascii');
  put(name, 0, 100);
  put('0000644\0', 100, 8);
  put('0000000\0', 108, 8);
  put('0000000\0', 116, 8);
  put(body.length.toString(8).padStart(11, '0') + '\0', 124, 12);
  put('00000000000\0', 136, 12);
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of header) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  const padding = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header, body, padding, Buffer.alloc(1024)]);
}

/**
 * Builds an OCI layout in a temporary directory: one image (a tar layer with a
 * file whose content is `seed`, a config, a manifest), or with several
 * `platforms`, an image index of one manifest per platform.
 */
export function buildOciImage(seed: string, platforms: string[] = ['linux/amd64'], tag = 'latest'): OciImage {
  const dir = mkdtempSync(join(tmpdir(), 'oci-layout-'));
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const blob = (data: Buffer | string) => {
    const hex = sha256(data);
    writeFileSync(join(blobs, hex), data);
    return { digest: `sha256:${hex}`, size: Buffer.byteLength(data) };
  };
  const manifests = platforms.map((platform) => {
    const [os, architecture] = platform.split('/');
    const layer = blob(tar('hello.txt', `${seed} ${platform}\n`));
    const config = blob(JSON.stringify({
      architecture,
      os,
      config: { Labels: { seed } },
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
    }));
    const manifest = blob(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
    }));
    return { ...manifest, platform: { architecture, os } };
  });
  let top: { digest: string; size: number; mediaType: string };
  if (platforms.length === 1) {
    top = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifests[0].digest, size: manifests[0].size };
  } else {
    const index = blob(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: manifests.map((m) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: m.digest, size: m.size, platform: m.platform })),
    }));
    top = { mediaType: 'application/vnd.oci.image.index.v1+json', ...index };
  }
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ ...top, annotations: { 'org.opencontainers.image.ref.name': tag } }],
  }));
  return { dir, tag, digest: top.digest, platformDigests: platforms.length > 1 ? manifests.map((m) => m.digest) : [] };
}

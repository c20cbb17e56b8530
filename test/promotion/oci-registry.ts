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
function request(
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
   */
  public async pushTags(layout: OciImage, repository: string, tags: string[]): Promise<void> {
    this.push(layout, repository, tags[0]);
    const manifest = await request(`http://${this.host}/v2/${repository}/manifests/${layout.digest}`, 'GET', { Accept: MANIFEST_TYPES });
    for (const tag of tags.slice(1)) {
      const res = await request(`http://${this.host}/v2/${repository}/manifests/${tag}`, 'PUT', {
        'Content-Type': String(manifest.headers['content-type']),
      }, manifest.body);
      if (res.status !== 201) throw new Error(`PUT ${repository}:${tag}: ${res.status} ${res.body.toString('utf8')}`);
    }
  }

  /** Pushes an OCI layout's tag with skopeo (`--all` for indexes) and returns its digest. */
  public push(layout: OciImage, repository: string, tag: string, creds?: string): string {
    const res = spawnSync('skopeo', [
      'copy', '--all', '--preserve-digests', '--dest-tls-verify=false', ...(creds ? [`--dest-creds=${creds}`] : []),
      `oci:${layout.dir}:${layout.tag}`, `docker://${this.host}/${repository}:${tag}`,
    ], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`skopeo copy to ${repository}:${tag} failed: ${res.stderr}`);
    return layout.digest;
  }
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

/**
 * Cosign signatures for the signed-promotion tests, written the way `cosign sign
 * --key` stores them: the tag-based scheme (`<repository>:sha256-<hex>.sig`), an
 * OCI image manifest whose every layer is one signature: the layer blob is the
 * "simple signing" payload and the layer's annotation
 * `dev.cosignproject.cosign/signature` holds the base64 ECDSA-P256/SHA-256
 * signature of the payload bytes (DER).
 *
 * Sources: sigstore/cosign `pkg/oci/static` and `pkg/cosign/verify.go`
 * (`dev.cosignproject.cosign/signature`, `application/vnd.dev.cosign.simplesigning.v1+json`),
 * containers/image `signature/sigstore/...` and `internal/signature/sigstore.go`
 * (the same constants; `docker/docker_image_src.go` reads the `.sig` manifest's
 * layers), and the payload `{"critical":{"identity":{"docker-reference":...},
 * "image":{"docker-manifest-digest":...},"type":"cosign container image signature"},
 * "optional":...}` (containers/image `signature/internal/sigstore_payload.go`).
 *
 * Why not skopeo: Debian's skopeo 1.9.3 refuses to sign with a sigstore key
 * ("creating signature: Debian-local change: sigstore disabled"); it does verify.
 */
import { createHash, generateKeyPairSync, KeyObject, sign } from 'crypto';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { request } from './oci-registry';

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';

/** A P-256 key pair; the public key is written as PEM (SPKI) for a `sigstoreSigned` policy's `keyPath`. */
export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKeyPath: string;
}

export function generateSigningKey(dir: string, name: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicKeyPath = join(dir, `${name}.pub`);
  writeFileSync(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }) as string);
  return { privateKey, publicKeyPath };
}

/** The simple-signing payload cosign signs for `reference` (repository, without tag) at `digest`. */
export function payload(reference: string, digest: string): Buffer {
  return Buffer.from(JSON.stringify({
    critical: {
      identity: { 'docker-reference': reference },
      image: { 'docker-manifest-digest': digest },
      type: 'cosign container image signature',
    },
    optional: null,
  }));
}

/** How to corrupt a signature (for the refusal tests). */
export enum Tamper {
  NONE = 'none',
  /** The payload names another digest than the one it is attached to (signed validly). */
  OTHER_DIGEST = 'other-digest',
  /** The signature bytes do not match the payload (its last byte changed). */
  FLIPPED_SIGNATURE = 'flipped-signature',
}

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/**
 * Pushes a cosign signature of `host/repository@digest` by `key` as the tag
 * `sha256-<hex>.sig`, replacing any signature manifest there (cosign appends;
 * one signature is enough for these tests). `auth` is an Authorization header value.
 */
export async function pushSignature(
  host: string, repository: string, digest: string, key: SigningKey, tamper = Tamper.NONE, auth?: string,
): Promise<string> {
  const headers: Record<string, string> = auth ? { Authorization: auth } : {};
  const signedDigest = tamper === Tamper.OTHER_DIGEST ? sha256('another image') : digest;
  const body = payload(`${host}/${repository}`, signedDigest);
  const signature = sign('sha256', body, key.privateKey);
  // The last byte changed.
  if (tamper === Tamper.FLIPPED_SIGNATURE) {
    const last = signature.length - 1;
    signature[last] = signature[last] === 0 ? 1 : signature[last] - 1;
  }
  const config = Buffer.from(JSON.stringify({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: [sha256(body)] } }));
  for (const blob of [body, config]) {
    // Two requests (POST, then PUT with the digest): distribution 2.8 does not take a monolithic POST.
    const start = await request(`http://${host}/v2/${repository}/blobs/uploads/`, 'POST', headers);
    const location = start.headers.location;
    if (start.status !== 202 || !location) throw new Error(`blob upload to ${repository}: ${start.status} ${start.body.toString('utf8')}`);
    const url = new URL(location, `http://${host}`);
    url.searchParams.set('digest', sha256(blob));
    const res = await request(url.toString(), 'PUT', {
      ...headers, 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.length),
    }, blob);
    if (res.status !== 201) throw new Error(`blob upload to ${repository}: ${res.status} ${res.body.toString('utf8')}`);
  }
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{
      mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
      digest: sha256(body),
      size: body.length,
      annotations: { [SIGNATURE_ANNOTATION]: signature.toString('base64') },
    }],
  }));
  const tag = `${digest.replace(':', '-')}.sig`;
  const res = await request(`http://${host}/v2/${repository}/manifests/${tag}`, 'PUT', {
    ...headers, 'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
  }, manifest);
  if (res.status !== 201) throw new Error(`PUT ${repository}:${tag}: ${res.status} ${res.body.toString('utf8')}`);
  return tag;
}

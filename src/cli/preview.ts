import { readFileSync } from 'fs';
import { parseArgs } from './args';
import { Command, Io } from './command';
import { ListedImage, parseListing } from './image-listings';
import {
  AcrPurgeEvaluator, AcrPurgeTranslation, AcrRetentionEvaluator, EcrLifecycleEvaluator, EcrLifecycleTranslation,
  GarCleanupEvaluator, GarCleanupTranslation, RetentionEvaluator,
} from '../retention';
import { EffectiveSpec, Naming, RegistrySpec, RetentionPolicySpec, SpecLoader, SpecValidator } from '../spec';

const USAGE = 'preview --images <file|-> (--spec <file> [--repository <image>] [--environment <env>] | --ecr-policy <file> | ' +
  '--gar-policies <file> | --acr-commands <file>) [--now <ISO time>]';

/** One column of the table: for each digest, the deciding rule when deleted (or archived). */
interface Column {
  readonly title: string;
  readonly deleted: Map<string, string>;
  readonly archived?: Map<string, string>;
}

function read(file: string, io: Io, what: string): Promise<string> | string {
  if (file === '-') return io.stdin();
  try {
    return readFileSync(file, 'utf8');
  } catch (e: any) {
    throw new Error(`cannot read ${what} ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
}

export const previewCommand: Command = {
  usage: 'preview --images <file|-> --spec <file> | --ecr-policy | --gar-policies | --acr-commands <file>',
  summary: 'show which images each cloud\'s retention policy would delete from a real listing, and which rule decides',
  async run(args, io) {
    const { options } = parseArgs(args, ['images', 'spec', 'repository', 'environment', 'ecr-policy', 'gar-policies', 'acr-commands', 'now']);
    const sources = ['spec', 'ecr-policy', 'gar-policies', 'acr-commands'].filter((k) => typeof options[k] === 'string');
    if (typeof options.images !== 'string' || sources.length !== 1) {
      io.err(`usage: container-registry ${USAGE}`);
      io.err(sources.length > 1 ? `give one policy source, not ${sources.map((s) => `--${s}`).join(' and ')}` : 'give --images and one policy source');
      return 2;
    }
    let now = new Date();
    if (typeof options.now === 'string') {
      now = new Date(options.now);
      if (Number.isNaN(now.getTime())) throw new Error(`--now: "${options.now}" is not a time (ISO 8601, e.g. 2026-06-01T00:00:00Z)`);
    }
    const listingName = options.images === '-' ? 'standard input' : options.images;
    const listing = parseListing(await read(options.images, io, 'the image listing'), listingName);
    let images = listing.images;
    const columns: Column[] = [];

    if (typeof options.spec === 'string') {
      const text = await read(options.spec, io, 'the spec');
      const loaded = SpecLoader.load(text, { sourceName: options.spec });
      if (!loaded.spec) throw new Error(SpecValidator.formatProblems(loaded.problems, `${options.spec} is invalid`));
      const spec = loaded.spec;
      const repo = pickRepository(spec, images, options.repository as string | undefined);
      if (typeof options.environment === 'string' && !Naming.environmentNames(spec).includes(options.environment)) {
        throw new Error(`--environment: "${options.environment}" is not an environment of the spec (${Naming.environmentNames(spec).join(', ') || 'none'})`);
      }
      images = images.filter((i) => i.image === undefined || i.image === repo || i.image.endsWith(`/${repo}`));
      const policy = EffectiveSpec.retention(spec, spec.repositories.find((r) => r.name === repo));
      columns.push(neutralColumn(policy, images, now));
      columns.push(ecrColumn(EcrLifecycleTranslation.translate(policy).policyText, images, now));
      // Every image's policy, as the constructs translate them (images with the same policy share cleanup policies and purge commands).
      const everyImage = spec.repositories.map((r) => ({ name: r.name, policy: EffectiveSpec.retention(spec, r) }));
      const gar = GarCleanupTranslation.translate(everyImage.map((r) => ({ packageName: r.name, policy: r.policy })));
      columns.push(garColumn(GarCleanupTranslation.toTerraformJson(gar.policies), images, now, repo, gar.dryRun));
      const path = Naming.acrRepositoryPath(spec, repo, options.environment as string | undefined);
      const env = options.environment as string | undefined;
      const acr = AcrPurgeTranslation.translate(
        everyImage.map((r) => ({ repository: Naming.acrRepositoryPath(spec, r.name, env), policy: r.policy })));
      columns.push(acrColumn(acr.commands, acr.retentionDays, images, now, path));
      io.out(`repository ${repo}: ${images.length} image${images.length === 1 ? '' : 's'} from ${listingName} (${listing.source}), now ${now.toISOString()}`);
    } else if (typeof options['ecr-policy'] === 'string') {
      columns.push(ecrColumn(await read(options['ecr-policy'], io, 'the ECR lifecycle policy'), images, now));
    } else if (typeof options['gar-policies'] === 'string') {
      const text = await read(options['gar-policies'], io, 'the cleanup policies');
      const pkgs = [...new Set(images.map((i) => i.image ?? 'image'))];
      if (pkgs.length > 1) throw new Error(`the listing holds several images (${pkgs.join(', ')}); preview one at a time (filter the listing)`);
      columns.push(garColumn(text, images, now, pkgs[0] ?? 'image', false));
    } else {
      const text = await read(options['acr-commands'] as string, io, 'the acr purge commands');
      const commands = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
      columns.push(acrColumn(commands, undefined, images, now, 'image'));
    }
    printTable(io, images, columns);
    return 0;
  },
};

function pickRepository(spec: RegistrySpec, images: ListedImage[], given: string | undefined): string {
  const names = spec.repositories.map((r) => r.name);
  if (given !== undefined) {
    if (!names.includes(given)) throw new Error(`--repository: "${given}" is not a repository of the spec (${names.join(', ')})`);
    return given;
  }
  if (names.length === 1) return names[0];
  const listed = [...new Set(images.map((i) => i.image).filter((i): i is string => i !== undefined))];
  const match = names.filter((n) => listed.some((l) => l === n || l.endsWith(`/${n}`)));
  if (match.length === 1) return match[0];
  throw new Error(`the spec has several repositories (${names.join(', ')}): say which one the listing is with --repository`);
}

function neutralColumn(policy: RetentionPolicySpec, images: ListedImage[], now: Date): Column {
  const result = RetentionEvaluator.evaluate(policy, images.map((i) => ({
    digest: i.digest, tags: i.tags, pushedAt: i.pushedAt, lastPulledAt: i.lastPulledAt, archivedAt: i.archivedAt, restoredAt: i.restoredAt,
  })), { now });
  return {
    title: 'neutral',
    deleted: new Map(result.expired.map((e) => [e.digest, `rules[${e.ruleIndex}]`])),
    archived: new Map(result.archived.map((e) => [e.digest, `rules[${e.ruleIndex}]`])),
  };
}

function ecrColumn(policyText: string | undefined, images: ListedImage[], now: Date): Column {
  if (!policyText) return { title: 'ECR', deleted: new Map() };
  const ecrImages = images.map((i) => ({
    imageDigest: i.digest,
    imageTags: i.tags,
    imagePushedAt: i.pushedAt,
    lastRecordedPullTime: i.lastPulledAt,
    ...(i.archivedAt ? { imageStatus: 'ARCHIVED', lastArchivedAt: i.archivedAt } : {}),
    lastActivatedAt: i.restoredAt,
  }));
  const result = EcrLifecycleEvaluator.evaluate(policyText, ecrImages, { now });
  return {
    title: 'ECR',
    deleted: new Map(result.expired.map((e) => [e.imageDigest, `priority ${e.appliedRulePriority}`])),
    archived: new Map(result.archived.map((e) => [e.imageDigest, `priority ${e.appliedRulePriority}`])),
  };
}

function garColumn(json: string, images: ListedImage[], now: Date, packageName: string, dryRun: boolean): Column {
  const versions = images.map((i) => ({ packageName, version: i.digest, tags: i.tags, createTime: i.pushedAt }));
  const result = GarCleanupEvaluator.evaluate(json, versions, { now });
  return { title: dryRun ? 'GAR (dry run)' : 'GAR', deleted: new Map(result.deleted.map((d) => [d.version, d.policyId])) };
}

function acrColumn(commands: string[], retentionDays: number | undefined, images: ListedImage[], now: Date, repository: string): Column {
  const manifests = images.map((i) => ({
    repository, digest: i.digest, lastUpdateTime: i.updatedAt, tags: i.tags.map((name) => ({ name, lastUpdateTime: i.updatedAt })),
  }));
  const deleted = new Map<string, string>();
  // Which command deletes each manifest: evaluate the commands one prefix at a time.
  let before = new Set<string>();
  commands.forEach((_, k) => {
    const after = new Set(AcrPurgeEvaluator.evaluate(commands.slice(0, k + 1), manifests, { now }).deletedManifests);
    for (const m of after) if (!before.has(m)) deleted.set(m.slice(repository.length + 1), `command ${k + 1}`);
    before = after;
  });
  if (retentionDays !== undefined) {
    const purge = AcrPurgeEvaluator.evaluate(commands, manifests, { now });
    const left = manifests.filter((m) => !purge.deletedManifests.includes(`${repository}@${m.digest}`))
      .map((m) => ({ ...m, tags: m.tags.filter((t) => !purge.deletedTags.includes(`${repository}:${t.name}`)) }));
    for (const m of AcrRetentionEvaluator.evaluate(retentionDays, left, { now }).deletedManifests) deleted.set(m.slice(repository.length + 1), `retention ${retentionDays}d`);
  }
  return { title: 'ACR', deleted };
}

function printTable(io: Io, images: ListedImage[], columns: Column[]): void {
  const sorted = [...images].sort((a, b) => (b.pushedAt.getTime() - a.pushedAt.getTime()) || (a.digest < b.digest ? -1 : 1));
  // The last pull and the storage class, when the listing has them (ECR).
  const pulls = images.some((i) => i.lastPulledAt);
  const archive = images.some((i) => i.archivedAt);
  const time = (d: Date | undefined) => (d ? d.toISOString().slice(0, 19) + 'Z' : 'never');
  const header = ['DIGEST', 'TAGS', 'PUSHED', ...(pulls ? ['PULLED'] : []), ...(archive ? ['STORAGE'] : []), ...columns.map((c) => c.title)];
  const rows = sorted.map((i) => [
    i.digest.slice(0, 19),
    i.tags.join(',') || '<untagged>',
    time(i.pushedAt),
    ...(pulls ? [time(i.lastPulledAt)] : []),
    ...(archive ? [i.archivedAt ? 'archive' : 'standard'] : []),
    ...columns.map((c) => (c.deleted.has(i.digest) ? `delete (${c.deleted.get(i.digest)})`
      : c.archived?.has(i.digest) ? `archive (${c.archived.get(i.digest)})` : 'keep')),
  ]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => cells.map((c, k) => c.padEnd(widths[k])).join('  ').trimEnd();
  io.out(line(header));
  rows.forEach((r) => io.out(line(r)));
  const archiving = columns.filter((c) => (c.archived?.size ?? 0) > 0);
  io.out(`${images.length} image${images.length === 1 ? '' : 's'}; would delete: ${columns.map((c) => `${c.title} ${c.deleted.size}`).join(', ')}` +
    (archiving.length ? `; would archive: ${columns.map((c) => `${c.title} ${c.archived?.size ?? 0}`).join(', ')}` : ''));
}

import { parseArgs, UsageError } from './args';
import { Command, Io } from './command';
import { Listing, ListedImage, parseListing, Timestamps } from './image-listings';
import { readProblem, readText } from './spec-file';
import { parseClouds } from './validate';
import {
  AcrPurgeEvaluator, AcrPurgeTranslation, AcrRetentionEvaluator, EcrLifecycleEvaluator, EcrLifecycleTranslation,
  GarCleanupEvaluator, GarCleanupTranslation, HarborRetentionEvaluator, HarborRetentionTranslation, RetentionEvaluator,
} from '../retention';
import { Cloud, EffectiveSpec, Naming, RegistrySpec, RetentionPolicySpec, SpecLoader, SpecValidator } from '../spec';

const USAGE = 'preview --images <file|-> (--spec <file> [--repository <image>] [--environment <env>] [--cloud aws,gcp,azure,harbor] | ' +
  '--ecr-policy <file> | --gar-policies <file> | --acr-commands <file> | --harbor-policy <file>) [--now <ISO time>]';

/** One column of the table: for each digest, the deciding rule when deleted (or archived). */
interface Column {
  readonly title: string;
  readonly deleted: Map<string, string>;
  readonly archived?: Map<string, string>;
}

function read(file: string, io: Io, what: string): Promise<string> | string {
  if (file === '-') return io.stdin();
  try {
    return readText(file);
  } catch (e: any) {
    throw new Error(`cannot read ${what} ${file}: ${readProblem(e)}`);
  }
}

export const previewCommand: Command = {
  usage: 'preview --images <file|-> --spec <file> | --ecr-policy | --gar-policies | --acr-commands | --harbor-policy <file>',
  summary: 'show which images each cloud\'s retention policy would delete from a real listing, and which rule decides',
  fullUsage: USAGE,
  async run(args, io) {
    const { options } = parseArgs(args, ['images', 'spec', 'repository', 'environment', 'ecr-policy', 'gar-policies', 'acr-commands', 'harbor-policy', 'now', 'cloud']);
    const sources = ['spec', 'ecr-policy', 'gar-policies', 'acr-commands', 'harbor-policy'].filter((k) => typeof options[k] === 'string');
    if (typeof options.images !== 'string' || sources.length !== 1) {
      io.err(`usage: container-registry ${USAGE}`);
      io.err(sources.length > 1 ? `give one policy source, not ${sources.map((s) => `--${s}`).join(' and ')}` : 'give --images and one policy source');
      return 2;
    }
    // Standard input can be read once; --environment and --repository name what a --spec places.
    const dashes = ['images', ...sources].filter((k) => options[k] === '-');
    if (dashes.length > 1) throw new UsageError(`${dashes.map((k) => `--${k}`).join(' and ')} both read standard input (-), which can be read once: give one of them as a file`);
    if (options.environment !== undefined && typeof options.spec !== 'string') {
      throw new UsageError('--environment chooses where a --spec puts the image; a native policy file (--ecr-policy, ...) applies to the listing as it is: leave --environment out');
    }
    const now = typeof options.now === 'string' ? Timestamps.parseNow(options.now) : new Date();
    if (options.cloud !== undefined && typeof options.spec !== 'string') {
      throw new UsageError('--cloud chooses the clouds of a --spec preview; a native policy (--ecr-policy, --gar-policies, --acr-commands, --harbor-policy) is one cloud already');
    }
    const clouds = parseClouds(options.cloud) ?? Object.values(Cloud);
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
      images = imagesOf(images, repo, listingName);
      const policy = EffectiveSpec.retention(spec, spec.repositories.find((r) => r.name === repo));
      columns.push(neutralColumn(policy, images, now));
      if (clouds.includes(Cloud.AWS)) columns.push(ecrColumn(EcrLifecycleTranslation.translate(policy).policyText, images, now));
      // Every image's policy, as the constructs translate them (images with the same policy share cleanup policies and purge commands).
      const everyImage = spec.repositories.map((r) => ({ name: r.name, policy: EffectiveSpec.retention(spec, r) }));
      if (clouds.includes(Cloud.GCP)) {
        const gar = GarCleanupTranslation.translate(everyImage.map((r) => ({ packageName: r.name, policy: r.policy })));
        columns.push(garColumn(GarCleanupTranslation.toTerraformJson(gar.policies), images, now, repo, gar.dryRun));
      }
      const env = options.environment as string | undefined;
      if (clouds.includes(Cloud.AZURE)) {
        const path = Naming.acrRepositoryPath(spec, repo, env);
        const acr = AcrPurgeTranslation.translate(
          everyImage.map((r) => ({ repository: Naming.acrRepositoryPath(spec, r.name, env), policy: r.policy })));
        columns.push(acrColumn(acr.commands, acr.retentionDays, images, now, path));
      }
      if (clouds.includes(Cloud.HARBOR)) columns.push(harborSpecColumn(spec, repo, env, listing, images, now, listingName));
      io.out(`repository ${repo}: ${images.length} image${images.length === 1 ? '' : 's'} from ${listingName} (${listing.source}), now ${now.toISOString()}`);
    } else {
      // A native policy applies to one repository: --repository picks it from a listing of several.
      const pkgs = [...new Set(images.map((i) => i.image ?? 'image'))];
      if (typeof options.repository === 'string') {
        images = imagesOf(images, options.repository, listingName);
      } else if (pkgs.length > 1) {
        throw new Error(`${listingName} lists several images (${pkgs.join(', ')}); say which one with --repository`);
      } else if (images.length === 0) {
        throw new Error(`${listingName} lists no image: nothing to preview`);
      }
      const name = typeof options.repository === 'string' ? options.repository : pkgs[0] ?? 'image';
      if (typeof options['ecr-policy'] === 'string') {
        const text = nonEmpty(await read(options['ecr-policy'], io, 'the ECR lifecycle policy'), options['ecr-policy'], 'an ECR lifecycle policy (JSON with "rules")');
        columns.push(ecrColumn(text, images, now));
      } else if (typeof options['gar-policies'] === 'string') {
        const file = options['gar-policies'];
        const text = nonEmpty(await read(file, io, 'the cleanup policies'), file, 'Artifact Registry cleanup policies (JSON)');
        if (/^\s*\[\s*\]\s*$/.test(text)) throw new Error(`${file} lists no cleanup policy: nothing to preview`);
        columns.push(garColumn(text, images, now, name, false));
      } else if (typeof options['harbor-policy'] === 'string') {
        const file = options['harbor-policy'];
        const text = nonEmpty(await read(file, io, 'the Harbor retention policy'), file, 'a Harbor retention policy (the REST API\'s JSON with "rules")');
        // An empty policy is refused (an invalid one is explained by the evaluator's problems).
        let rules: unknown;
        try {
          rules = JSON.parse(text)?.rules;
        } catch {
          rules = undefined;
        }
        if (Array.isArray(rules) && rules.length === 0) throw new Error(`${file} lists no retention rule: nothing to preview`);
        if (!name.includes('/')) {
          throw new Error(`Harbor retention rules select repositories of a project: give the listing's full repository name with --repository <project>/<repository>, not "${name}"`);
        }
        columns.push(harborColumn(text, images, now, name));
      } else {
        const file = options['acr-commands'] as string;
        const text = await read(file, io, 'the acr purge commands');
        const commands = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
        if (commands.length === 0) throw new Error(`${file} holds no acr purge command (one "acr purge ..." per line): nothing to preview`);
        columns.push(acrColumn(commands, undefined, images, now, 'image'));
      }
    }
    printTable(io, images, columns);
    return 0;
  },
};

/** The images of one repository in a listing; a listing without any is an error, not an empty table. */
function imagesOf(images: ListedImage[], repo: string, listingName: string): ListedImage[] {
  const mine = images.filter((i) => i.image === undefined || i.image === repo || i.image.endsWith(`/${repo}`));
  if (mine.length === 0) {
    const listed = [...new Set(images.map((i) => i.image ?? '?'))];
    throw new Error(`${listingName} has no image of repository "${repo}"${listed.length ? ` (it lists ${listed.slice(0, 5).join(', ')}${listed.length > 5 ? ', ...' : ''})` : ' (it is empty)'}: `
      + 'list that repository, or name another with --repository');
  }
  // `api` matches platform/dev/api and platform/prod/api: two repositories, whose images a policy judges apart.
  const repositories = [...new Set(mine.map((i) => i.repository ?? i.image).filter((i): i is string => i !== undefined))];
  if (repositories.length > 1) {
    throw new Error(`${listingName} lists several repositories of image "${repo}" (${repositories.join(', ')}); a retention policy applies to each `
      + 'repository on its own: give a listing of one (aws ecr describe-images --repository-name <one of them>)');
  }
  return mine;
}

/** A policy file's text, or an error when it is empty (an empty file is not "no policy"). */
function nonEmpty(text: string, file: string, what: string): string {
  if (text.trim() === '') throw new Error(`${file} is empty: expected ${what}`);
  return text;
}

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

/**
 * The Harbor column of a spec preview: the spec's retention translated for the
 * image's project (`HarborRetentionTranslation.projects`, the construct's
 * translation) and evaluated over the listing as the artifacts of
 * `<project>/<repository path>` (Naming.harborProjectName / harborRepositoryPath
 * of `--environment`). A Harbor listing must be of that repository.
 */
function harborSpecColumn(
  spec: RegistrySpec, image: string, environment: string | undefined, listing: Listing, images: ListedImage[], now: Date, listingName: string,
): Column {
  const project = Naming.harborProjectName(spec, environment);
  const path = Naming.harborRepositoryPath(spec, image, environment);
  const repository = `${project}/${path}`;
  if (listing.source === 'harbor') {
    const others = [...new Set(images.map((i) => i.image).filter((i) => i !== repository))];
    if (others.length > 0) {
      throw new Error(`${listingName} lists Harbor repository ${others.join(', ')}, but the spec puts image "${image}"${environment ? ` of environment "${environment}"` : ''} `
        + `in ${repository}${Naming.layout(spec) !== 'tags' && !environment ? ': say which environment with --environment' : ''}`);
    }
  }
  const translated = HarborRetentionTranslation.projects(spec).find((p) => p.project === project);
  if (!translated) throw new Error(`the spec has no Harbor project "${project}"`);
  const result = HarborRetentionTranslation.translate(translated.repositories);
  // No rule: the construct attaches no retention policy, and nothing is deleted.
  const column = result.ruleCount ? harborColumn(result.policyJson, images, now, repository) : { title: 'Harbor', deleted: new Map<string, string>() };
  return result.dryRun ? { ...column, title: 'Harbor (dry run)' } : column;
}

/**
 * What a Harbor retention policy (REST JSON) deletes from the listing, as the
 * artifacts of `repository` (`<project>/<repository>`). Harbor's rules retain:
 * the cell names no deciding rule, as no rule retained the artifact; an artifact
 * whose fate depends on the order of equal push times is shown as such.
 */
function harborColumn(policyJson: string, images: ListedImage[], now: Date, repository: string): Column {
  const artifacts = images.map((i) => ({ repository, digest: i.digest, tags: i.tags, pushedAt: i.pushedAt, pulledAt: i.lastPulledAt }));
  const result = HarborRetentionEvaluator.evaluate(policyJson, artifacts, { now });
  const deleted = new Map<string, string>();
  for (const key of result.deleted) deleted.set(key.slice(repository.length + 1), 'retained by no rule');
  for (const key of result.undetermined) deleted.set(key.slice(repository.length + 1), 'or keep: equal push times');
  return { title: 'Harbor', deleted };
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

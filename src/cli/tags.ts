import { RetentionTagCheck } from '../retention';
import { EffectiveSpec, Naming, TagStrategy } from '../spec';
import { ENVIRONMENT_NAME } from '../spec/grammars';
import { BuildTags, BuildTagSet, ComputedTag, TagLint } from '../tagging';
import { parseArgs } from './args';
import { Command } from './command';
import { readSpecFile } from './spec-file';

const TAGS_USAGE = 'tags --sha <git sha> [--version 1.2.3] [--branch main] [--existing 1.2.2,1.3.0] '
  + '[--strategy semver|version-sha|git-sha] [--no-aliases] [--no-latest] [--promote-to <env>] [--spec <file> [--repository <name>]] [--format table|list|json]';

function table(tags: ComputedTag[]): string[] {
  const width = Math.max(...tags.map((t) => t.tag.length));
  return tags.map((t) => `${t.tag.padEnd(width)}  ${(t.mutable ? 'moves' : 'write-once').padEnd(10)}  ${t.kind}`);
}

/**
 * `container-registry tags`: the tags of a build, for CI to push
 * (`--format list` prints one tag per line for a shell loop).
 */
export const tagsCommand: Command = {
  usage: 'tags --sha <git sha> [--version 1.2.3] [--branch main] ...',
  summary: 'print the tags of a build: write-once build and version tags, moving aliases',
  fullUsage: TAGS_USAGE,
  run(args, io) {
    const { positionals, options } = parseArgs(args,
      ['sha', 'version', 'branch', 'existing', 'strategy', 'promote-to', 'spec', 'repository', 'format'],
      ['no-aliases', 'no-latest']);
    if (positionals.length > 0 || typeof options.sha !== 'string') {
      io.err(`usage: container-registry ${TAGS_USAGE}`);
      return 2;
    }
    const format = (options.format ?? 'table') as string;
    if (!['table', 'list', 'json'].includes(format)) {
      io.err(`--format: "${format}" is not a format (allowed: table, list, json)`);
      return 2;
    }
    let strategy = options.strategy as TagStrategy | undefined;
    let semverAliases = options['no-aliases'] ? false : undefined;
    if (typeof options.spec === 'string') {
      const spec = readSpecFile(options.spec, io.err);
      if (!spec) return 1;
      const name = options.repository;
      const repo = typeof name === 'string' ? spec.repositories.find((r) => r.name === name) : undefined;
      if (typeof name === 'string' && !repo) {
        io.err(`--repository: "${name}" is not a repository of ${options.spec} (${spec.repositories.map((r) => r.name).join(', ')})`);
        return 1;
      }
      // An environment tag names an environment of the chain: another would never be promoted into.
      const envs = Naming.environmentNames(spec);
      if (typeof options['promote-to'] === 'string' && !envs.includes(options['promote-to'])) {
        io.err(`--promote-to: "${options['promote-to']}" is not an environment of ${options.spec} (${envs.join(', ') || 'it has none'})`);
        return 1;
      }
      const policy = EffectiveSpec.tagPolicy(spec, repo);
      strategy = strategy ?? policy.strategy;
      semverAliases = semverAliases ?? policy.semverAliases;
    } else if (options.repository !== undefined) {
      io.err('--repository needs --spec <file>');
      return 2;
    }
    const existing = typeof options.existing === 'string' ? options.existing.split(',').map((v) => v.trim()).filter((v) => v.length > 0) : undefined;
    const set: BuildTagSet = BuildTags.compute({
      gitSha: options.sha,
      version: options.version as string | undefined,
      branch: options.branch as string | undefined,
      existingVersions: existing,
      strategy,
      semverAliases,
      latest: options['no-latest'] ? false : undefined,
    });
    const promoteTo = options['promote-to'];
    if (typeof promoteTo === 'string') {
      // An environment tag names an environment as a spec's chain does, and is a tag of its own: an environment
      // named like this build's alias (1.2, latest) would make one tag two moving tags.
      if (!ENVIRONMENT_NAME.test(promoteTo)) {
        io.err(`--promote-to: "${promoteTo}" is not an environment name (lower-case letters and digits, starting with a letter, at most 20 characters, as in environments.chain)`);
        return 1;
      }
      const same = set.tags.find((t) => t.tag === promoteTo);
      if (same) {
        io.err(`--promote-to: "${promoteTo}" is also this build's ${same.kind} tag; an environment tag must be a tag of its own (rename the environment)`);
        return 1;
      }
    }
    const tags = typeof promoteTo === 'string' ? [...set.tags, BuildTags.environmentTag(promoteTo)] : set.tags;
    if (format === 'json') {
      io.out(JSON.stringify({ ...set, tags }, undefined, 2));
      return 0;
    }
    for (const line of format === 'list' ? tags.map((t) => t.tag) : table(tags)) io.out(line);
    for (const note of set.notes) io.err(`note: ${note}`);
    return 0;
  },
};

/**
 * `container-registry lint <spec>`: the tag lint's warnings, each with its reason
 * and fix, including the retention layer's environment-tag check
 * (`RetentionTagCheck`), which the tagging layer cannot import itself.
 */
export const lintCommand: Command = {
  usage: 'lint <spec file> [--strict]',
  summary: 'warn about tagging anti-patterns and contradictions in a spec (latest alone, dates, overwritable releases)',
  run(args, io) {
    const { positionals, options } = parseArgs(args, [], ['strict']);
    if (positionals.length !== 1) {
      io.err('usage: container-registry lint <spec file> [--strict]');
      return 2;
    }
    const spec = readSpecFile(positionals[0], io.err);
    if (!spec) return 1;
    const findings = TagLint.lint(spec, { environmentTagProblems: RetentionTagCheck.check(spec) });
    if (findings.length === 0) {
      io.out(`${positionals[0]}: no tag lint warnings`);
      return 0;
    }
    io.out(TagLint.format(findings));
    io.out(`${positionals[0]}: ${findings.length} tag lint warning${findings.length === 1 ? '' : 's'}`);
    return options.strict ? 1 : 0;
  },
};

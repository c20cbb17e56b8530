import type { GrantOptions } from './contract';
import { Glob } from './glob';
import { Naming } from './naming';
import type { Problems } from './problems';
import type { RegistrySpec } from './registry-spec';

/**
 * Internal (not exported from the index): the checks of a grant's `GrantOptions`
 * against the spec, shared by the constructs whose grants take them: an object,
 * `environments` of the spec's chain, `images` patterns that match an image of the
 * spec. Adds each problem to `problems` (the caller adds its grantee's).
 */
export function addGrantOptionProblems(problems: Problems, spec: RegistrySpec, options: GrantOptions): void {
  if (typeof options !== 'object') problems.add('options', options, 'is not a GrantOptions object ({ images?, environments? })');
  const envs = Naming.environmentNames(spec);
  for (const [field, list] of [['environments', options.environments], ['images', options.images]] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) {
      problems.add(`options.${field}`, list, 'is not a list of strings');
      continue;
    }
    // An empty list would grant nothing in silence (or, where a cloud cannot scope below a repository, everything).
    if (list.length === 0) problems.add(`options.${field}`, list, `is empty, which grants nothing; leave ${field} out for every ${field === 'images' ? 'image' : 'environment'}`);
    list.forEach((v, i) => {
      if (field === 'environments' && !envs.includes(v)) {
        problems.add(`options.environments[${i}]`, v, `is not an environment of the spec (${envs.length ? envs.join(', ') : 'it has none'})`);
      }
      if (field === 'images' && !spec.repositories.some((r) => Glob.matches(v, r.name))) {
        problems.add(`options.images[${i}]`, v, `matches no image of the spec (${spec.repositories.map((r) => r.name).join(', ')})`);
      }
    });
  }
}

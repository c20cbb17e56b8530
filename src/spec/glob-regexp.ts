// Internal (not exported from the index): RegExp is not a jsii type.

const cache = new Map<string, RegExp>();

/** The anchored regular expression equivalent to a glob (cached). Not part of the jsii API: RegExp is not a jsii type. */
export function globRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 's');
    cache.set(pattern, re);
  }
  return re;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

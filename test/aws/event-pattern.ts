/**
 * A small matcher of EventBridge event patterns (a test helper), for the subset the
 * library writes, following the EventBridge user guide ("Event patterns", "Content
 * filtering"): a pattern field lists allowed values (OR); an object nests; `{ prefix }`
 * matches a string's start; `{ numeric: [op, n] }` compares numbers; `$or` holds if any
 * of its sub-patterns does; a field absent from the event never matches; an event array
 * matches if any element does. Anything else throws, so an unsupported filter cannot pass silently.
 */
export function matches(pattern: any, event: any): boolean {
  for (const [key, want] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(want as any[]).some((p) => matches(p, event))) return false;
      continue;
    }
    const have = event?.[key];
    if (have === undefined) return false;
    if (Array.isArray(want)) {
      const values = Array.isArray(have) ? have : [have];
      if (!values.some((v) => want.some((w) => matchesValue(w, v)))) return false;
    } else if (want !== null && typeof want === 'object') {
      const items = Array.isArray(have) ? have : [have];
      if (!items.some((item) => matches(want, item))) return false;
    } else {
      throw new Error(`pattern field ${key} is neither a list nor an object`);
    }
  }
  return true;
}

function matchesValue(want: any, value: any): boolean {
  if (want === null || typeof want !== 'object') return want === value;
  if ('prefix' in want) return typeof value === 'string' && value.startsWith(want.prefix);
  if ('numeric' in want) {
    const [op, n] = want.numeric;
    if (typeof value !== 'number') return false;
    switch (op) {
      case '>': return value > n;
      case '>=': return value >= n;
      case '=': return value === n;
      default: throw new Error(`numeric operator ${op}`);
    }
  }
  throw new Error(`unsupported filter ${JSON.stringify(want)}`);
}

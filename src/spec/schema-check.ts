import { REGISTRY_SPEC_SCHEMA } from './schema.generated';

/**
 * The shape check of a spec against the JSON Schema generated from the spec types
 * (types, enums, required fields, unknown fields), shared by the loader (spec files)
 * and `SpecValidator` (specs given to the constructs from TypeScript or JavaScript),
 * so that a value of the wrong shape is a problem naming its field, never a `TypeError`.
 * Internal: not part of the jsii API.
 */

export type SchemaReport = (path: Array<string | number>, value: unknown, message: string) => void;

function resolveRef(schema: any): any {
  while (schema?.$ref) {
    const name = schema.$ref.replace('#/definitions/', '');
    schema = { ...REGISTRY_SPEC_SCHEMA.definitions[name], ...withoutRef(schema) };
  }
  return schema;
}

function withoutRef(schema: any): any {
  const { $ref, description, ...rest } = schema;
  void $ref; void description;
  return rest;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  // Objects that are not maps of fields, although typeof says "object" (given from JavaScript, or made by a
  // YAML tag): their own keys are not their content, so they would pass as an empty map.
  if (value instanceof Set) return 'Set';
  if (value instanceof Map) return 'Map';
  if (value instanceof Date) return 'Date';
  if (value instanceof Uint8Array) return 'binary data';
  if (value instanceof RegExp) return 'RegExp';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Checks a value against the generated schema: types, enums, required and unknown fields. */
export function checkSchema(value: unknown, rawSchema: any, path: Array<string | number>, report: SchemaReport): void {
  const schema = resolveRef(rawSchema);
  const actual = typeOf(value);
  const expected: string = schema.type;
  const typeOk = expected === undefined
    || expected === actual
    || (expected === 'number' && actual === 'integer');
  if (!typeOk) {
    const noun = (t: string) => (t === 'array' ? 'a list' : t === 'object' ? 'a map' : t === 'integer' ? 'a number' : t === 'binary data' ? t : `a ${t}`);
    report(path, value, `has the wrong type: expected ${noun(expected)}, got ${noun(actual)}`);
    return;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    report(path, value, `is not one of the allowed values (${schema.enum.join(', ')})`);
    return;
  }
  if (expected === 'array') {
    (value as unknown[]).forEach((item, i) => checkSchema(item, schema.items ?? {}, [...path, i], report));
  }
  if (expected === 'object') {
    const obj = value as Record<string, unknown>;
    const props: Record<string, any> = schema.properties ?? {};
    for (const required of schema.required ?? []) {
      if (!has(obj, required) || obj[required] === undefined) report([...path, required], undefined, 'is required');
    }
    for (const [key, v] of Object.entries(obj)) {
      // A field set to `undefined` (a TypeScript or JavaScript object) is a field not given.
      if (v === undefined) continue;
      // Own properties only: a key named like a property of every object
      // (`__proto__`, `constructor`, `toString`) is as unknown as any other.
      if (has(props, key)) {
        checkSchema(v, props[key], [...path, key], report);
      } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        checkSchema(v, schema.additionalProperties, [...path, key], report);
      } else {
        const known = Object.keys(props);
        const near = known.find((k) => k.toLowerCase() === key.toLowerCase() || levenshtein(k, key) <= 2);
        report([...path, key], v, `is not a known field${near ? ` (did you mean "${near}"?)` : ''}; allowed here: ${known.join(', ')}`);
      }
    }
  }
}


/** Checks a whole spec; reports each problem with its field path. */
export function checkSpecShape(spec: unknown, report: SchemaReport): void {
  checkSchema(spec, REGISTRY_SPEC_SCHEMA.definitions.RegistrySpec, [], report);
}

/** A field path as problems show it: `repositories[2].name`. */
export function renderPath(path: Array<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function has(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length][b.length];
}

import { readFileSync } from 'fs';
import { join } from 'path';
import { EXCERPT_KEEP, facts, parseExcerpt } from './go-schema-excerpt';
import { AttributeFact, BlockFact, PROVIDER_SCHEMA, RESOURCE_SCHEMAS, ResourceFact } from './provider-schema';

// The schema facts written by hand in provider-schema.ts, checked against the provider's Go
// declarations they cite (an excerpt of goharbor/terraform-provider-harbor v3.12.4), so a
// transcription slip (a wrong mode, type, line, enum value or block limit) fails here.

const EXCERPT = readFileSync(join(__dirname, 'fixtures', 'harbor-provider-schema-excerpt.txt'), 'utf8');

/** The comparable part of a hand-written fact: enum cites and client enums are compared separately. */
function comparable(attributes: Record<string, AttributeFact>, blocks: Record<string, BlockFact>): any {
  const attrs = Object.fromEntries(Object.entries(attributes).map(([k, f]) => [k, {
    type: f.type,
    mode: f.mode,
    cite: f.cite,
    sensitive: f.sensitive === true,
    ...(f.enum?.source === 'ValidateFunc' ? { enum: f.enum.values } : {}),
  }]));
  const blks = Object.fromEntries(Object.entries(blocks).map(([k, b]) => [k, {
    nesting: b.nesting, required: b.required, minItems: b.minItems, maxItems: b.maxItems, cite: b.cite, ...comparable(b.attributes, b.blocks),
  }]));
  return { attributes: attrs, blocks: blks };
}

const ALL: Array<[string, ResourceFact]> = [['provider', PROVIDER_SCHEMA], ...Object.entries(RESOURCE_SCHEMAS)];

describe('provider-schema.ts against the Go source excerpt', () => {
  const parsed = parseExcerpt(EXCERPT);

  test('the excerpt keeps only declaration lines (the documented pattern)', () => {
    const kept = EXCERPT.split('\n').filter((l) => /^\d+\t/.test(l));
    expect(kept.length).toBeGreaterThan(300);
    expect(kept.filter((l) => !EXCERPT_KEEP.test(l.replace(/^\d+\t/, '')))).toEqual([]);
  });

  test.each(ALL)('%s: every attribute and block, with its type, mode, sensitivity, enum, limits and line', (_type, fact) => {
    const file = parsed[fact.file];
    expect(file).toBeDefined();
    const fromGo = facts(fact.file, file.schema);
    expect(comparable(fact.attributes, fact.blocks)).toEqual(comparable(fromGo.attributes, fromGo.blocks));
  });

  test('the enums the client enforces and the CustomizeDiff groups are the Go lists', () => {
    const registry = RESOURCE_SCHEMAS.harbor_registry.attributes.provider_name.enum!;
    expect(registry.values).toEqual(parsed['client/registry.go'].lookupKeys);
    expect(RESOURCE_SCHEMAS.harbor_replication.attributes.action.enum!.values).toEqual(parsed['client/replication.go'].actions);
    const lists = parsed['provider/resource_retention_policy.go'].lists;
    expect(RESOURCE_SCHEMAS.harbor_retention_policy.rules.map((r) => (r.kind === 'exactlyOneOf' ? r.fields : []))).toEqual([lists.paramFields, lists.repoFields, lists.tagFields]);
  });

  test.each([
    ['a Required flipped to Optional (provider url)', '18\t\t\t\t\tRequired:    true,', '18\t\t\t\t\tOptional:    true,', 'provider'],
    ['a MaxItems changed', 'MaxItems: 15,', 'MaxItems: 16,', 'harbor_retention_policy'],
    ['an enum value dropped', '"none", "low", "medium", "high", "critical"', '"low", "medium", "high", "critical"', 'harbor_project'],
    ['a nested attribute renamed', '"effect": {', '"effects": {', 'harbor_robot_account'],
    ['Sensitive dropped', '40\t\t\t\t\tSensitive: true,\n', '', 'harbor_registry'],
    ['a declaration line moved', '\n17\t\t\t\t"name": {', '\n16\t\t\t\t"name": {', 'harbor_project'],
  ])('negative control: %s in the Go source is caught', (_name, from, to, resource) => {
    expect(EXCERPT.includes(from)).toBe(true);
    const mutated = parseExcerpt(EXCERPT.replace(from, to));
    const mismatches = ALL.filter(([, fact]) => {
      const f = facts(fact.file, mutated[fact.file].schema);
      return JSON.stringify(comparable(fact.attributes, fact.blocks)) !== JSON.stringify(comparable(f.attributes, f.blocks));
    }).map(([type]) => type);
    expect(mismatches).toEqual([resource]);
  });
});

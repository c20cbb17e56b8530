import { Tokenization } from 'cdktf';

/** How a nested block is rendered in HCL, and its own nested blocks. */
export interface HclBlockShape {
  readonly nesting: 'list' | 'set';
  readonly blocks?: { [name: string]: HclBlockShape };
}

/**
 * The HCL form of a class's synthesized (JSON) attributes, for `cdktf synth --hcl`: the
 * `{ value, isBlock, type, storageClassType }` records the prebuilt bindings write by hand
 * in `synthesizeHclAttributes` (e.g. @cdktf/provider-google/lib/artifact-registry-repository),
 * derived here from the JSON attributes and the names of the nested blocks.
 */
export function hclAttributes(attrs: { [name: string]: any }, blocks: { [name: string]: HclBlockShape } = {}): { [name: string]: any } {
  const out: { [name: string]: any } = {};
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    const block = blocks[key];
    if (block) {
      const items = Tokenization.isResolvable(value) || !Array.isArray(value) ? value : value.map((item: any) =>
        (Tokenization.isResolvable(item) ? item : hclAttributes(item, block.blocks)));
      out[key] = { value: items, isBlock: true, type: block.nesting, storageClassType: `${key}List` };
    } else if (Array.isArray(value)) {
      out[key] = { value, isBlock: false, type: 'list', storageClassType: 'stringList' };
    } else if (typeof value === 'object' && value !== null && !Tokenization.isResolvable(value)) {
      out[key] = { value, isBlock: false, type: 'map', storageClassType: 'stringMap' };
    } else {
      const storage = typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'number' : 'string';
      out[key] = { value, isBlock: false, type: 'simple', storageClassType: storage };
    }
  }
  return out;
}

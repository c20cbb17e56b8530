import { AttrType, AttributeFact, BlockFact } from './provider-schema';

// A small reader of the provider's Go schema declarations, over the line excerpt in
// fixtures/harbor-provider-schema-excerpt.txt, so that the facts written down by hand in
// provider-schema.ts are checked against the Go source they cite (the excerpt keeps each
// line's number and tab indentation; gofmt indents one tab per nesting level, which is how
// this reader tells an attribute's own `Type:` from its element's, and a block's nested
// attributes from its siblings).

/** The lines the excerpt keeps from each listed range of the Go files. */
export const EXCERPT_KEEP = new RegExp('^\\s*("[a-z_]+":\\s*\\{|Type:|Required:|Optional:|Computed:|Sensitive:|MaxItems:|MinItems:|WriteOnly:|Elem:|'
  + 'allowedValues :=|paramFields :=|repoFields :=|tagFields :=|"[a-z-]+":\\s+"[a-zA-Z-]+",|if action == |\\} else if action == )');

interface Node {
  readonly name: string;
  readonly indent: number;
  readonly line: number;
  readonly props: Record<string, string>;
  readonly children: Record<string, Node>;
  elem?: 'resource' | 'schema';
  elemType?: string;
  allowed?: string[];
}

export interface ParsedFile {
  readonly file: string;
  readonly schema: Record<string, Node>;
  /** `xFields := []string{...}` lists (the CustomizeDiff groups). */
  readonly lists: Record<string, string[]>;
  /** Keys of a `"key": "value",` lookup map. */
  readonly lookupKeys: string[];
  /** Values compared with `action == "..."`. */
  readonly actions: string[];
}

const strings = (s: string): string[] => [...s.matchAll(/"([^"]*)"/g)].map((m) => m[1]);

/** Parse the excerpt into one entry per Go file. */
export function parseExcerpt(text: string): Record<string, ParsedFile> {
  const files: Record<string, ParsedFile> = {};
  let current: ParsedFile | undefined;
  let stack: Node[] = [];
  for (const raw of text.split('\n')) {
    if (raw.startsWith('#') || raw.trim() === '') continue;
    const header = /^== (\S+)/.exec(raw);
    if (header) {
      current = { file: header[1], schema: {}, lists: {}, lookupKeys: [], actions: [] };
      files[header[1]] = current;
      stack = [];
      continue;
    }
    const m = /^(\d+)\t(\t*)(.*)$/.exec(raw);
    if (!m || !current) throw new Error(`excerpt: unreadable line ${JSON.stringify(raw)}`);
    const line = Number(m[1]);
    const indent = m[2].length;
    const body = m[3];
    const key = /^"([a-z_]+)":\s*\{/.exec(body);
    if (key) {
      while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
      const node: Node = { name: key[1], indent, line, props: {}, children: {} };
      (stack.length ? stack[stack.length - 1].children : current.schema)[key[1]] = node;
      stack.push(node);
      continue;
    }
    const list = /^(\w+Fields) := \[\]string\{(.*)\}/.exec(body);
    if (list) { current.lists[list[1]] = strings(list[2]); continue; }
    const lookup = /^"([a-z-]+)":\s+"[a-zA-Z-]+",/.exec(body);
    if (lookup) { current.lookupKeys.push(lookup[1]); continue; }
    const action = /action == "([a-z]+)"/.exec(body);
    if (action) { current.actions.push(action[1]); continue; }
    const owner = [...stack].reverse().find((n) => n.indent === indent - 1);
    const elemOwner = [...stack].reverse().find((n) => n.indent === indent - 2);
    if (/^allowedValues :=/.test(body)) {
      const nearest = [...stack].reverse().find((n) => n.indent < indent);
      if (!nearest) throw new Error(`excerpt line ${line}: allowedValues outside an attribute`);
      nearest.allowed = strings(body);
      continue;
    }
    const prop = /^(\w+):\s*(.*?),?$/.exec(body);
    if (!prop) throw new Error(`excerpt line ${line}: unexpected ${JSON.stringify(body)}`);
    if (owner) {
      if (prop[1] === 'Elem') {
        owner.elem = prop[2].startsWith('&schema.Resource') ? 'resource' : 'schema';
        const inline = /Type: schema\.(\w+)/.exec(prop[2]);
        if (inline) owner.elemType = inline[1];
      } else {
        owner.props[prop[1]] = prop[2];
      }
    } else if (elemOwner && elemOwner.elem === 'schema' && prop[1] === 'Type') {
      elemOwner.elemType = /schema\.(\w+)/.exec(prop[2])?.[1];
    } else {
      throw new Error(`excerpt line ${line}: ${prop[1]} belongs to no attribute`);
    }
  }
  return files;
}

const PRIMITIVE: Record<string, AttrType> = { TypeString: 'string', TypeBool: 'bool', TypeInt: 'int' };

function attribute(file: string, n: Node): AttributeFact {
  const type = n.props.Type?.replace('schema.', '');
  let attrType: AttrType;
  if (type && PRIMITIVE[type]) attrType = PRIMITIVE[type];
  else if ((type === 'TypeList' || type === 'TypeSet') && n.elemType === 'TypeString') attrType = 'list(string)';
  else if (type === 'TypeMap' && n.elemType === 'TypeString') attrType = 'map(string)';
  else throw new Error(`${file}:${n.line}: unsupported type ${type}/${n.elemType}`);
  const mode = n.props.Required === 'true' ? 'required' : n.props.Optional === 'true' ? 'optional' : 'computed';
  return {
    type: attrType,
    mode,
    cite: `${file}:${n.line}`,
    ...(n.props.Sensitive === 'true' ? { sensitive: true } : {}),
    ...(n.allowed ? { enum: { values: n.allowed, source: 'ValidateFunc' as const, cite: '' } } : {}),
  };
}

/** The attributes and blocks of one schema map, in the shape of provider-schema.ts. */
export function facts(file: string, schema: Record<string, Node>): { attributes: Record<string, AttributeFact>; blocks: Record<string, BlockFact> } {
  const attributes: Record<string, AttributeFact> = {};
  const blocks: Record<string, BlockFact> = {};
  for (const n of Object.values(schema)) {
    if (n.elem === 'resource') {
      const nested = facts(file, n.children);
      blocks[n.name] = {
        nesting: n.props.Type === 'schema.TypeSet' ? 'set' : 'list',
        required: n.props.Required === 'true',
        ...(n.props.MinItems ? { minItems: Number(n.props.MinItems) } : {}),
        ...(n.props.MaxItems ? { maxItems: Number(n.props.MaxItems) } : {}),
        cite: `${file}:${n.line}`,
        ...nested,
      };
    } else {
      attributes[n.name] = attribute(file, n);
    }
  }
  return { attributes, blocks };
}

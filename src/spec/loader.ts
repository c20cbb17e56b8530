import { readFileSync } from 'fs';
import { extname } from 'path';
import { Document, isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, Node, parseDocument } from 'yaml';
import { redactUrl } from './grammars';
import { RegistrySpec } from './registry-spec';
import { checkSpecShape, renderPath } from './schema-check';
import { SpecProblem, SpecValidator, ValidateOptions } from './validate';

/** The syntax of a spec file. */
export enum SpecFormat {
  /** YAML 1.2 (also accepts JSON). */
  YAML = 'yaml',
  /** Strict JSON. */
  JSON = 'json',
}

/** Options of `SpecLoader`. */
export interface LoadOptions extends ValidateOptions {
  /**
   * The syntax of the text.
   *
   * @default - JSON for a `.json` file name, YAML otherwise
   */
  readonly format?: SpecFormat;

  /**
   * The name of the source shown in messages (a file name).
   *
   * @default "spec"
   */
  readonly sourceName?: string;

  /**
   * The most nodes the document may have once its YAML aliases are expanded.
   *
   * @default SpecLoader.MAX_EXPANDED_NODES (1,000,000)
   */
  readonly maxExpandedNodes?: number;
}

/** The outcome of loading a spec: the spec, or every problem found. */
export interface LoadResult {
  /**
   * The spec, when it has no problem.
   *
   * @default - undefined when there are problems
   */
  readonly spec?: RegistrySpec;

  /** Every problem: syntax, unknown fields, wrong types, then validation. */
  readonly problems: SpecProblem[];
}

/**
 * Loads a spec from a YAML or JSON file. The file is checked against the JSON
 * Schema generated from the spec types (unknown fields, wrong types, values
 * outside an enum, each reported with its path and line), then validated by
 * `SpecValidator`. Nothing is half-applied: a file with any problem yields no spec.
 */
export class SpecLoader {
  /**
   * The most nodes a spec may have once its YAML aliases are expanded. Aliases
   * are welcome (a spec may reuse one retention block for every repository), but
   * a few lines of nested aliases can expand to billions of nodes (a "billion
   * laughs" document), so the limit is on the expanded size, counted before
   * anything is expanded. A spec of 10,000 repositories, each with its own
   * 40-node override, stays well below it.
   */
  public static readonly MAX_EXPANDED_NODES = 1_000_000;

  /** Loads and validates a spec file; throws one error that lists every problem. */
  public static fromFile(path: string, options: LoadOptions = {}): RegistrySpec {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e: any) {
      throw new Error(`Cannot read spec file ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    }
    return SpecLoader.fromString(text, { format: SpecLoader.formatOf(path), sourceName: path, ...options });
  }

  /** Loads and validates a spec from text; throws one error that lists every problem. */
  public static fromString(text: string, options: LoadOptions = {}): RegistrySpec {
    const result = SpecLoader.load(text, options);
    if (!result.spec) {
      throw new Error(SpecValidator.formatProblems(result.problems, `Invalid spec file ${options.sourceName ?? 'spec'}`));
    }
    return result.spec;
  }

  /** Loads a spec from text and returns the spec or every problem, without throwing. */
  public static load(text: string, options: LoadOptions = {}): LoadResult {
    const format = options.format ?? SpecLoader.formatOf(options.sourceName ?? '');
    const syntax = format === SpecFormat.JSON ? 'JSON' : 'YAML';
    // A byte-order mark is an encoding detail, not content (YAML 1.2 section 5.2; RFC 8259 section 8.1
    // lets a parser ignore it); Node's JSON.parse would stop at it.
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    // A carriage return alone ends a line too (YAML 1.2 section 5.4, b-break; RFC 8259 counts it as
    // whitespace), but the YAML parser and the line counts read \n only: the same length keeps offsets.
    text = normalizeLineBreaks(text);
    const lineCounter = new LineCounter();
    const problems: SpecProblem[] = [];
    const at = (offset: number) => {
      const o = Math.max(0, Math.min(offset, text.length));
      const before = text.slice(0, o);
      return { line: before.split('\n').length, column: o - before.lastIndexOf('\n') };
    };
    const fail = (message: string, where: { line: number; column?: number }): LoadResult =>
      ({ problems: [{ path: '', value: 'undefined', message, ...where }] });

    if (text.trim() === '') {
      return fail(`is empty: a spec is a ${syntax === 'JSON' ? 'JSON object' : 'YAML map'} with at least \`name\` and \`repositories\``, { line: 1 });
    }
    if (format === SpecFormat.JSON) {
      try {
        JSON.parse(text);
      } catch (e: any) {
        // Node's messages carry a position for some errors only, so the position
        // comes from a small scanner of the JSON grammar (RFC 8259) instead.
        const reason = String(e.message).split('\n')[0].replace(/, (\.\.\.)?"[\s\S]*$/, '').replace(/ in JSON at position \d+.*$/, '');
        return fail(`is not valid JSON: ${reason}`, at(jsonErrorOffset(text)));
      }
    }
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      const seen = new Set<string>();
      return {
        problems: doc.errors.map((e) => {
          const first = e.message.split('\n')[0];
          // The parser recurses once per level: a document nested thousands deep overflows its stack.
          const reason = /Maximum call stack size exceeded/.test(first)
            ? 'nests lists or maps too deeply to be read (thousands of levels; a spec nests a few)'
            : first;
          return { path: '', value: 'undefined', message: `is not valid ${syntax}: ${reason}`, ...at(e.pos[0]) };
        }).filter((p) => !seen.has(p.message) && !!seen.add(p.message)),
      };
    }
    // What the parser only warns about, and what YAML can say but a spec cannot hold, are errors too.
    const tagProblems = yamlNodeProblems(doc, syntax);
    if (tagProblems.length > 0) return { problems: tagProblems.map((p) => ({ path: '', value: 'undefined', message: p.message, ...at(p.offset) })) };
    const contents = doc.contents;
    if (contents === null || (isScalar(contents) && contents.value === null && contents.range?.[0] === contents.range?.[1])) {
      return fail(`is empty: a spec is a ${syntax === 'JSON' ? 'JSON object' : 'YAML map'} with at least \`name\` and \`repositories\``, { line: 1 });
    }
    const size = expandedSize(doc, options.maxExpandedNodes ?? SpecLoader.MAX_EXPANDED_NODES);
    if (size.problem) return fail(size.problem, at(size.offset ?? 0));
    const data = doc.toJS({ maxAliasCount: -1 });
    // The line of the deepest node on the path that exists (for a missing key,
    // the map that should hold it).
    const lineOf = (path: Array<string | number>): number => {
      for (let n = path.length; n >= 0; n--) {
        const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return 1;
    };

    checkSpecShape(data, (path, value, message) => {
      // YAML reads unquoted digits as a number (and drops leading zeros: 011122223333 is 11122223333), yes/true as a boolean.
      const hint = /expected a string, got a (number|boolean)$/.test(message) ? ' (write it in quotes)'
        // A merge key is YAML 1.1 (yaml.org/type/merge.html); YAML 1.2, this loader's default, reads `<<` as a plain key.
        : path[path.length - 1] === '<<' ? '; "<<" merges maps in YAML 1.1 only: repeat the fields, or start the file with "%YAML 1.1" and "---"'
          : '';
      problems.push({ path: renderPath(path), value: render(value), message: message + hint, line: lineOf(path) });
    });
    // Validation runs even after type problems, so that every problem is reported
    // at once; a problem already reported for a path is not repeated.
    let semantic: SpecProblem[] = [];
    try {
      semantic = SpecValidator.validate(data, options).problems;
    } catch {
      // the validator tolerates most wrong shapes; the type problems above explain the rest
    }
    const reported = new Set(problems.map((p) => p.path));
    for (const p of semantic) {
      if (![...reported].some((r) => p.path === r || p.path.startsWith(`${r}.`) || p.path.startsWith(`${r}[`))) {
        problems.push({ ...p, line: lineOf(parsePath(p.path)) });
      }
    }
    return problems.length === 0 ? { spec: data as RegistrySpec, problems } : { problems };
  }

  /**
   * Gives problems found after loading (retention checks, a cloud's own checks)
   * the line of their field path in the spec text, so that every error has one.
   * Problems that already have a line keep it.
   */
  public static locate(text: string, problems: SpecProblem[]): SpecProblem[] {
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    return problems.map((p) => {
      if (p.line !== undefined) return p;
      const path = parsePath(p.path);
      for (let n = path.length; n >= 0; n--) {
        const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
        if (isNode(node) && node.range) return { ...p, line: lineCounter.linePos(node.range[0]).line };
      }
      return { ...p, line: 1 };
    });
  }

  private static formatOf(path: string): SpecFormat {
    return extname(path).toLowerCase() === '.json' ? SpecFormat.JSON : SpecFormat.YAML;
  }
}

/**
 * The offset of the first syntax error of a JSON text (RFC 8259 grammar), or its
 * length when the text ends too early. Only called on text that JSON.parse refused.
 */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const fail = (): never => { throw i; };
  const expect = (c: string) => { if (text[i] !== c) fail(); i++; };
  const string = () => {
    expect('"');
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) { i += k; fail(); }
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i] ?? '') && i < text.length) {
          i++;
        } else {
          fail();
        }
      } else {
        i++;
      }
    }
    expect('"');
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws(); string(); ws(); expect(':'); value(); ws();
        if (text[i] === ',') { i++; continue; }
        expect('}');
        return;
      }
    }
    if (c === '[') {
      i++; ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(); ws();
        if (text[i] === ',') { i++; continue; }
        expect(']');
        return;
      }
    }
    if (c === '"') return string();
    const lit = c === 't' ? 'true' : c === 'f' ? 'false' : c === 'n' ? 'null' : undefined;
    if (lit) {
      for (const ch of lit) expect(ch);
      return;
    }
    const digit = () => /[0-9]/.test(text[i] ?? '');
    const digits = () => { if (!digit()) fail(); while (digit()) i++; };
    if (text[i] === '-') i++;
    if (text[i] === '0') i++; else digits();
    if (text[i] === '.') { i++; digits(); }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  try {
    value(); ws();
    if (i < text.length) fail();
    return text.length;
  } catch (offset) {
    return typeof offset === 'number' ? offset : text.length;
  }
}

/**
 * The number of nodes of a document once its aliases are expanded, counted on
 * the syntax tree with one count per anchored node (so the count itself is
 * linear in the text), or the problem: too many nodes (reported at the alias
 * that expands most), or an alias inside its own anchor (an infinite document).
 */
function expandedSize(doc: Document, limit: number): { problem?: string; offset?: number } {
  // One pass in document order: an alias refers to the last anchor of its name
  // before it (YAML 1.2, section 3.2.2.2), whose size is known by then, unless
  // the alias sits inside that anchor's own node.
  const sizes = new Map<Node, number>();
  const anchors = new Map<string, Node>();
  const open = new Set<Node>();
  let biggest: { size: number; offset: number; name: string } | undefined;
  let recursive: { offset: number; name: string } | undefined;
  const size = (node: unknown): number => {
    if (isPair(node)) return Math.min(size(node.key) + size(node.value), Number.MAX_SAFE_INTEGER);
    if (!isNode(node)) return 1;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target && open.has(target)) recursive ??= { offset: node.range?.[0] ?? 0, name: node.source };
      const n = target ? sizes.get(target) ?? 0 : 1;
      if (!biggest || n > biggest.size) biggest = { size: n, offset: node.range?.[0] ?? 0, name: node.source };
      return n;
    }
    if (node.anchor) anchors.set(node.anchor, node);
    open.add(node);
    let n = 1;
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items) n = Math.min(n + size(item), Number.MAX_SAFE_INTEGER);
    } else if (!isScalar(node)) {
      n = 1;
    }
    open.delete(node);
    sizes.set(node, n);
    return n;
  };
  const total = size(doc.contents);
  if (recursive) return { problem: `has the alias *${recursive.name} inside its own anchor, an infinite document`, offset: recursive.offset };
  if (total > limit) {
    return {
      problem: `expands to ${total.toLocaleString('en-US')} nodes through YAML aliases, more than the ${limit.toLocaleString('en-US')} a spec may have `
        + `(the alias *${biggest?.name} here expands to ${biggest?.size.toLocaleString('en-US')} nodes); reuse anchors without nesting them this deep`,
      offset: biggest?.offset ?? 0,
    };
  }
  return {};
}

function render(value: unknown): string {
  if (value === undefined) return 'undefined';
  // JSON has no NaN or Infinity (JSON.stringify writes null): YAML's .nan and .inf are shown as they are.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  // Credentials in a URL never reach a message, whatever field holds the URL.
  return redactUrl(JSON.stringify(value) ?? String(value));
}

/** The text with every carriage return that does not start a CR LF pair made a line feed (same length, same offsets). */
function normalizeLineBreaks(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/**
 * The YAML tags a spec takes: the JSON-compatible ones of the core schema (YAML 1.2
 * section 10.3: str, int, float, bool, null, and the map and seq collections). A
 * `!!set`, `!!binary`, `!!timestamp` or `!!omap` makes a value no spec field holds
 * (a Set, bytes, a Date, a Map), and a tag the parser cannot resolve (`!foo`,
 * `!!js/function`, `!!int platform`) is dropped by it with a mere warning: both are
 * errors, at their line, as is an alias whose anchor is not defined before it (the
 * parser throws that when the document is converted, without a position).
 */
const CORE_TAGS = ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`);

function yamlNodeProblems(doc: Document, syntax: string): Array<{ message: string; offset: number }> {
  const problems: Array<{ message: string; offset: number }> = [];
  for (const w of doc.warnings) {
    problems.push({ message: `is not valid ${syntax}: ${w.message.split('\n')[0]}; a spec uses no custom YAML tags, and a core tag must fit its value (!!int 7)`, offset: w.pos[0] });
  }
  const shortTag = (tag: string) => tag.replace(/^tag:yaml\.org,2002:/, '!!');
  const defined = new Set<string>();
  const walk = (node: unknown): void => {
    if (isPair(node)) {
      walk(node.key);
      walk(node.value);
      return;
    }
    if (!isNode(node)) return;
    if (isAlias(node)) {
      if (!defined.has(node.source)) {
        problems.push({ message: `is not valid ${syntax}: the alias *${node.source} has no anchor &${node.source} before it`, offset: node.range?.[0] ?? 0 });
      }
      return;
    }
    if (node.anchor) defined.add(node.anchor);
    const tag = node.tag;
    // A tag the parser could not resolve is reported once, by its warning.
    const start = node.range?.[0] ?? 0;
    const warned = (t: string) => doc.warnings.some((w) => w.pos[0] >= start - t.length - 2 && w.pos[0] <= start);
    if (tag && !CORE_TAGS.includes(tag) && !warned(tag)) {
      problems.push({
        message: `is not valid for a spec: the YAML tag ${shortTag(tag)} makes a value no spec field holds; a spec holds strings, numbers, booleans, lists and maps (remove the tag)`,
        offset: node.range?.[0] ?? 0,
      });
    }
    if (isMap(node) || isSeq(node)) node.items.forEach(walk);
  };
  walk(doc.contents);
  return problems;
}

function parsePath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  }
  return out;
}

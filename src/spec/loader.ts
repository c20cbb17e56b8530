import { readFileSync } from 'fs';
import { extname } from 'path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { RegistrySpec } from './registry-spec';
import { REGISTRY_SPEC_SCHEMA } from './schema.generated';
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
    const lineCounter = new LineCounter();
    const problems: SpecProblem[] = [];

    if (format === SpecFormat.JSON) {
      try {
        JSON.parse(text);
      } catch (e: any) {
        // Node reports a position for most errors; otherwise the YAML parser
        // (JSON is YAML) usually finds the same spot.
        const pos = /position (\d+)/.exec(e.message);
        const yamlError = parseDocument(text, { lineCounter }).errors[0];
        const line = pos
          ? text.slice(0, Number(pos[1])).split('\n').length
          : yamlError ? lineCounter.linePos(yamlError.pos[0]).line : undefined;
        const reason = String(e.message).split('\n')[0].replace(/, "[\s\S]*$/, '');
        return { problems: [{ path: '', value: 'undefined', message: `is not valid JSON: ${reason}`, line }] };
      }
    }
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      return {
        problems: doc.errors.map((e) => ({
          path: '',
          value: 'undefined',
          message: `is not valid ${format === SpecFormat.JSON ? 'JSON' : 'YAML'}: ${e.message.split('\n')[0]}`,
          line: lineCounter.linePos(e.pos[0]).line,
        })),
      };
    }
    const data = doc.toJS();
    // The line of the deepest node on the path that exists (for a missing key,
    // the map that should hold it).
    const lineOf = (path: Array<string | number>): number | undefined => {
      for (let n = path.length; n >= 0; n--) {
        const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    };

    checkSchema(data, REGISTRY_SPEC_SCHEMA.definitions.RegistrySpec, [], (path, value, message) => {
      problems.push({ path: renderPath(path), value: render(value), message, line: lineOf(path) });
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

  private static formatOf(path: string): SpecFormat {
    return extname(path).toLowerCase() === '.json' ? SpecFormat.JSON : SpecFormat.YAML;
  }
}

type Report = (path: Array<string | number>, value: unknown, message: string) => void;

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
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Checks a value against the generated schema: types, enums, required and unknown fields. */
function checkSchema(value: unknown, rawSchema: any, path: Array<string | number>, report: Report): void {
  const schema = resolveRef(rawSchema);
  const actual = typeOf(value);
  const expected: string = schema.type;
  const typeOk = expected === undefined
    || expected === actual
    || (expected === 'number' && actual === 'integer');
  if (!typeOk) {
    report(path, value, `has the wrong type: expected ${expected === 'array' ? 'a list' : expected === 'object' ? 'a map' : `a ${expected}`}, got ${actual === 'array' ? 'a list' : actual === 'object' ? 'a map' : `a ${actual}`}`);
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
      if (obj[required] === undefined) report([...path, required], undefined, 'is required');
    }
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) {
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

function render(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
}

function renderPath(path: Array<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function parsePath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  }
  return out;
}

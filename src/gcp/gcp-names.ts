import { createHash } from 'crypto';
import { unknownProps } from '../spec/grammars';
import { Problems } from '../spec/problems';
import { Tokens } from '../spec/tokens';

/**
 * Internal: Google Cloud naming rules and deterministic derivations shared by the
 * GCP constructs and the Terraform checks (not exported from the index).
 */

/** Artifact Registry repository id: 1-63 lower-case letters, digits, hyphens; starts with a letter; no trailing hyphen. */
export const GAR_REPOSITORY_ID = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Service account id: 6-30 characters matching `[a-z]([-a-z0-9]*[a-z0-9])` (IAM CreateServiceAccountRequest). */
export const SERVICE_ACCOUNT_ID = /^[a-z](?:[-a-z0-9]*[a-z0-9])$/;
/** Workload identity pool and provider ids: 4-32 characters of `[a-z0-9-]`; `gcp-` is reserved. */
export const WIF_ID = /^[a-z0-9-]{4,32}$/;

/** Why a repository id breaks the rules, or undefined when it is valid. */
export function repositoryIdProblem(id: string): string | undefined {
  if (Tokens.isUnresolved(id)) return undefined;
  if (id.length < 1 || id.length > 63) return `is ${id.length} characters long; Artifact Registry repository ids have 1-63 characters`;
  if (!GAR_REPOSITORY_ID.test(id)) {
    return 'is not a valid Artifact Registry repository id (lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen)';
  }
  return undefined;
}

/** Why a service account id breaks the rules, or undefined when it is valid. */
export function serviceAccountIdProblem(id: string): string | undefined {
  if (Tokens.isUnresolved(id)) return undefined;
  if (id.length < 6 || id.length > 30 || !SERVICE_ACCOUNT_ID.test(id)) {
    return 'is not a valid service account id (6-30 characters: lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen)';
  }
  return undefined;
}

/** Why a workload identity pool or provider id breaks the rules, or undefined when it is valid. */
export function workloadIdentityIdProblem(id: string): string | undefined {
  if (Tokens.isUnresolved(id)) return undefined;
  if (!WIF_ID.test(id)) return 'is not a valid workload identity pool or provider id (4-32 characters: lower-case letters, digits and hyphens)';
  if (id.startsWith('gcp-')) return 'starts with "gcp-", a prefix Google reserves';
  return undefined;
}

/** A short, stable hash of a string (hex). */
export function shortHash(value: string, length = 6): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length);
}

/**
 * A service account id derived deterministically from a prefix and an identity
 * name: `<prefix>-<identity>`, lower-cased, other characters replaced by hyphens;
 * too long ones are cut and end with a hash of the full name (so two long names
 * stay distinct); too short ones get `-sa`.
 */
export function deriveServiceAccountId(prefix: string, identity: string): string {
  const full = `${prefix}-${identity}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
  let id = full;
  if (id.length > 30) id = `${id.slice(0, 23).replace(/-+$/, '')}-${shortHash(full)}`;
  if (id.length < 6) id = `${id}-sa`.length >= 6 ? `${id}-sa` : `${id}-gsa-sa`;
  return id;
}

/** `ci-bot` -> `CI_BOT`: the suffix of output and GitHub variable names. */
export function upperSnake(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/** A construct id fragment from any string (tokens included), stable for a given string. */
export function idFragment(value: string): string {
  if (Tokens.isUnresolved(value)) return `Token${shortHash(value, 8)}`;
  const clean = value.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return clean.length > 0 && clean.length <= 60 ? clean : `${clean.slice(0, 50)}-${shortHash(value, 8)}`;
}

/** The shape of a construct prop, for the runtime checks of props given from JavaScript. */
export type PropShape = 'string' | 'boolean' | 'string[]' | 'object' | 'object[]' | 'string-map';

const SHAPE_WORDS: { [shape in PropShape]: string } = {
  'string': 'a string',
  'boolean': 'a boolean',
  'string[]': 'a list of strings',
  'object': 'an object',
  'object[]': 'a list of objects',
  'string-map': 'an object of string values',
};

function hasShape(value: unknown, shape: PropShape): boolean {
  const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  switch (shape) {
    case 'string': return typeof value === 'string';
    case 'boolean': return typeof value === 'boolean';
    case 'string[]': return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'object': return isObject(value);
    case 'object[]': return Array.isArray(value) && value.every(isObject);
    case 'string-map': return isObject(value) && Object.values(value as object).every((v) => typeof v === 'string');
    default: return false;
  }
}

/**
 * Checks the shape of construct props given from JavaScript (no type checker):
 * each prop of `shapes` is `[shape, required]`; a missing required prop or a value
 * of another shape is a problem naming the prop (`props.location: 42 is not a
 * string`), instead of a TypeError later. Tokens pass. Returns whether `props`
 * itself is an object.
 */
export function checkPropShapes(problems: Problems, props: unknown, shapes: { [name: string]: [PropShape, boolean] }, prefix = 'props'): boolean {
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    problems.add(prefix, props, 'is required: an object of props');
    return false;
  }
  // A prop of another name (a misspelled preventdestroy) would be dropped in silence.
  for (const u of unknownProps(props, Object.keys(shapes))) problems.add(`${prefix}.${u.key}`, '<given>', u.message);
  for (const [name, [shape, required]] of Object.entries(shapes)) {
    const value = (props as { [k: string]: unknown })[name];
    if (value === undefined) {
      if (required) problems.add(`${prefix}.${name}`, undefined, `is required (${SHAPE_WORDS[shape]})`);
    } else if (!Tokens.isUnresolved(value) && !hasShape(value, shape)) {
      problems.add(`${prefix}.${name}`, value, `is not ${SHAPE_WORDS[shape]}`);
    }
  }
  return true;
}

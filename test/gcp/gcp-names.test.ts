import {
  checkPropShapes, deriveServiceAccountId, idFragment, PropShape,
  repositoryIdProblem, serviceAccountIdProblem, upperSnake, workloadIdentityIdProblem,
} from '../../src/gcp/gcp-names';
import { Problems } from '../../src/spec/problems';

describe('gcp-names', () => {
  test('ids: repository (1-63, letter first, no trailing hyphen), service account (6-30), workload identity (4-32, no gcp-)', () => {
    expect(repositoryIdProblem('platform-dev')).toBeUndefined();
    expect(repositoryIdProblem('a'.repeat(64))).toBe('is 64 characters long; Artifact Registry repository ids have 1-63 characters');
    expect(repositoryIdProblem('dev-')).toMatch(/^is not a valid Artifact Registry repository id/);
    expect(serviceAccountIdProblem('platform-ci')).toBeUndefined();
    expect(serviceAccountIdProblem('ci-sa')).toMatch(/^is not a valid service account id \(6-30 characters/);
    expect(workloadIdentityIdProblem('platform-github')).toBeUndefined();
    expect(workloadIdentityIdProblem('gcp-pool')).toBe('starts with "gcp-", a prefix Google reserves');
  });

  test('derived names: service account ids always valid and distinct for long names; variable suffixes; construct id fragments', () => {
    for (const [prefix, identity] of [['platform', 'ci'], ['p', 'a'], ['a-very-long-registry-name', 'release-promoter']]) {
      expect(serviceAccountIdProblem(deriveServiceAccountId(prefix, identity))).toBeUndefined();
    }
    expect(deriveServiceAccountId('a-very-long-registry-name', 'x1')).not.toBe(deriveServiceAccountId('a-very-long-registry-name', 'x2'));
    expect(upperSnake('ci-bot')).toBe('CI_BOT');
    expect(idFragment('serviceAccount:gke@acme.iam.gserviceaccount.com')).toBe('serviceAccount-gke-acme-iam-gserviceaccount-com');
    expect(idFragment('x'.repeat(80))).toMatch(/^x{50}-[0-9a-f]{8}$/);
  });

  test.each<[string, unknown, PropShape, boolean, string | undefined]>([
    ['a string', 'europe', 'string', true, undefined],
    ['a number for a string', 42, 'string', true, 'props.p: 42 is not a string'],
    ['a missing required prop', undefined, 'string', true, 'props.p: is required (a string)'],
    ['a missing optional prop', undefined, 'string', false, undefined],
    ['a string for a list', 'a', 'string[]', false, 'props.p: "a" is not a list of strings'],
    ['an array for an object', [], 'object', false, 'props.p: [] is not an object'],
    ['a number in a string map', { a: 1 }, 'string-map', false, 'props.p: {"a":1} is not an object of string values'],
    ['null in a list of objects', [null], 'object[]', false, 'props.p: [null] is not a list of objects'],
    ['a string for a boolean', 'true', 'boolean', false, 'props.p: "true" is not a boolean'],
    ['a token for a string', '${TfToken[TOKEN.1]}', 'string', true, undefined],
  ])('checkPropShapes: %s', (_, value, shape, required, expected) => {
    const problems = new Problems();
    expect(checkPropShapes(problems, { p: value }, { p: [shape, required] })).toBe(true);
    expect(problems.list.map((p) => `${p.path}: ${p.value === 'undefined' ? '' : `${p.value} `}${p.message}`)).toEqual(expected ? [expected] : []);
  });

  test('checkPropShapes: props that are not an object', () => {
    const problems = new Problems();
    expect(checkPropShapes(problems, 'x', {})).toBe(false);
    expect(problems.list).toEqual([{ path: 'props', value: '"x"', message: 'is required: an object of props' }]);
  });
});

import { AcrAbac } from '../../src/azure/abac-condition';

const NAME = AcrAbac.REPOSITORY_ATTRIBUTE;

describe('AcrAbac conditions', () => {
  test('block: the actions are allowed only on the named repositories (sorted, deduplicated) and under the prefixes (with a trailing slash)', () => {
    expect(AcrAbac.block([AcrAbac.CONTENT_READ], ['web', 'api', 'api'], ['jobs'])).toBe(
      `((!(ActionMatches{'${AcrAbac.CONTENT_READ}'})) OR (${NAME} StringEqualsIgnoreCase 'api' OR ${NAME} StringEqualsIgnoreCase 'web' ` +
      `OR ${NAME} StringStartsWithIgnoreCase 'jobs/'))`);
  });

  test('block with no repository denies the actions everywhere (no repository name is empty)', () => {
    expect(AcrAbac.block(AcrAbac.DELETE_ACTIONS, [])).toBe(
      `((!(ActionMatches{'${AcrAbac.CONTENT_DELETE}'}) AND !(ActionMatches{'${AcrAbac.METADATA_DELETE}'})) OR (${NAME} StringEqualsIgnoreCase ''))`);
  });

  test('reader: read exactly, write and delete nowhere', () => {
    const c = AcrAbac.reader(['api']);
    expect(c).toBe(AcrAbac.and([AcrAbac.block(AcrAbac.READ_ACTIONS, ['api']), AcrAbac.block([...AcrAbac.WRITE_ACTIONS, ...AcrAbac.DELETE_ACTIONS], [])]));
    expect(c).not.toContain("StringEqualsIgnoreCase 'web'");
  });

  test('writer: reads where it reads, writes only where it writes, deletes nowhere', () => {
    expect(AcrAbac.writer(['dev/api', 'prod/api'], ['prod/api'])).toBe(AcrAbac.and([
      AcrAbac.block(AcrAbac.READ_ACTIONS, ['dev/api', 'prod/api']), AcrAbac.block(AcrAbac.WRITE_ACTIONS, ['prod/api']), AcrAbac.block(AcrAbac.DELETE_ACTIONS, []),
    ]));
  });
});

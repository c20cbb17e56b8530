import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { ActionPins } from '../../src/promotion/action-pins';

describe('ActionPins', () => {
  test('uses: the action at its full commit SHA; versionOf reads the release back; an unpinned action is an error', () => {
    for (const pin of ActionPins.ALL) {
      const uses = ActionPins.uses(pin.action);
      // GitHub docs, "Security hardening for GitHub Actions": "Pinning an action to a full length commit SHA is currently
      // the only way to use an action as an immutable release."
      expect(uses).toMatch(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+@[0-9a-f]{40}$/);
      expect(ActionPins.versionOf(uses)).toBe(pin.version);
    }
    expect(ActionPins.versionOf('actions/checkout@v4')).toBeUndefined();
    expect(() => ActionPins.uses('actions/cache')).toThrow(/^the action actions\/cache has no pinned commit \(pinned: actions\/checkout, /);
  });

  test('each action is pinned once', () => {
    const actions = ActionPins.ALL.map((p) => p.action);
    expect(new Set(actions).size).toBe(actions.length);
  });

  test('every action the committed example workflows use is pinned, with its release in a comment', () => {
    const dir = join(__dirname, '../../examples/promotion/.github/workflows');
    const uses = readdirSync(dir).flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/uses: (\S+)(?: # (\S+))?/g)].map((m) => [m[1], m[2]]));
    expect(uses.length).toBeGreaterThan(10);
    for (const [value, comment] of uses) expect([value, ActionPins.versionOf(value)]).toEqual([value, comment]);
  });
});

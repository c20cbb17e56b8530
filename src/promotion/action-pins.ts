/** A third-party GitHub Action the generated workflows use, pinned to a commit. */
export interface ActionPin {
  /** The action, `owner/repository` (`actions/checkout`). */
  readonly action: string;
  /** The release whose commit is pinned (`v4.4.0`), written beside the pin as a comment. */
  readonly version: string;
  /** The full commit SHA the release tag points at. */
  readonly commit: string;
}

/**
 * The commits the generated workflows pin each third-party action to. A tag can be
 * moved by whoever controls the action's repository; a commit SHA cannot, and these
 * jobs hold `id-token: write`. Each SHA was looked up in the action's own
 * repository (the peeled commit of the release tag, `git rev-parse <tag>^{commit}`
 * on a clone, on 2026-12-01); the newest release of the major version the workflows
 * used before pinning. To update: `git ls-remote --tags https://github.com/<action>
 * '<major>.*'`, take the newest release's `^{}` line, change `version` and `commit`
 * here, and regenerate the workflows (`container-registry promote-scripts`).
 */
export class ActionPins {
  /** Every pinned action. */
  public static readonly ALL: ActionPin[] = [
    // github.com/actions/checkout: tag v4.4.0 (also the v4 tag) -> 11d5960a326750d5838078e36cf38b85af677262
    { action: 'actions/checkout', version: 'v4.4.0', commit: '11d5960a326750d5838078e36cf38b85af677262' },
    // github.com/aws-actions/configure-aws-credentials: tag v4.3.1 (also v4) -> 7474bc4690e29a8392af63c5b98e7449536d5c3a
    { action: 'aws-actions/configure-aws-credentials', version: 'v4.3.1', commit: '7474bc4690e29a8392af63c5b98e7449536d5c3a' },
    // github.com/google-github-actions/auth: tag v2.1.13 (also v2) -> c200f3691d83b41bf9bbd8638997a462592937ed
    { action: 'google-github-actions/auth', version: 'v2.1.13', commit: 'c200f3691d83b41bf9bbd8638997a462592937ed' },
    // github.com/Azure/login: tag v2.3.1 (also v2) -> 7184910d9eb2b1c5e48f7073824a90609bb9b6d6
    { action: 'azure/login', version: 'v2.3.1', commit: '7184910d9eb2b1c5e48f7073824a90609bb9b6d6' },
    // github.com/docker/setup-buildx-action: tag v3.12.0 (also v3) -> 8d2750c68a42422c14e847fe6c8ac0403b4cbd6f
    { action: 'docker/setup-buildx-action', version: 'v3.12.0', commit: '8d2750c68a42422c14e847fe6c8ac0403b4cbd6f' },
    // github.com/docker/build-push-action: tag v6.19.2 (also v6) -> 10e90e3645eae34f1e60eeb005ba3a3d33f178e8
    { action: 'docker/build-push-action', version: 'v6.19.2', commit: '10e90e3645eae34f1e60eeb005ba3a3d33f178e8' },
    // github.com/sigstore/cosign-installer: tag v4.1.2 (the newest release; the repository has no v4 major tag)
    // -> 6f9f17788090df1f26f669e9d70d6ae9567deba6 (commit of 2026-05-06; installs cosign v3.0.6 by default, action.yml)
    { action: 'sigstore/cosign-installer', version: 'v4.1.2', commit: '6f9f17788090df1f26f669e9d70d6ae9567deba6' },
  ];

  /** The `uses:` value of an action: `owner/repository@<commit>`; throws for an action that is not pinned. */
  public static uses(action: string): string {
    const pin = ActionPins.ALL.find((p) => p.action === action);
    if (!pin) throw new Error(`the action ${action} has no pinned commit (pinned: ${ActionPins.ALL.map((p) => p.action).join(', ')})`);
    return `${pin.action}@${pin.commit}`;
  }

  /** The release of a pinned `uses:` value (`v4.4.0`), for the comment beside it. */
  public static versionOf(uses: string): string | undefined {
    return ActionPins.ALL.find((p) => uses === `${p.action}@${p.commit}`)?.version;
  }
}

/**
 * How faithfully a native policy expresses the neutral retention policy.
 * Translations are never aggressive: a native policy never deletes an image
 * that the neutral policy keeps.
 */
export enum TranslationFidelity {
  /**
   * The native policy deletes exactly what the neutral policy deletes, cosign's
   * attachments aside: no native policy deletes an image tagged `sha256-*`
   * (signatures and attestations), so the attachments of deleted subjects stay
   * (conservative for them; see the README's retention meaning).
   */
  EXACT = 'exact',
  /** The native policy deletes a subset of what the neutral policy deletes (it keeps more). */
  CONSERVATIVE = 'conservative',
}

/** How one neutral rule (or the protected tags) was translated. */
export interface RuleTranslation {
  /** The index of the rule in the neutral policy's `rules`, or -1 for the protected tags. */
  readonly ruleIndex: number;
  /** Exact or conservative. */
  readonly fidelity: TranslationFidelity;
  /**
   * Why the translation is conservative (what is kept that the neutral policy would delete).
   *
   * @default - none (exact)
   */
  readonly reason?: string;
}

/** The per-rule report of a translation. */
export interface TranslationReport {
  /** The worst fidelity over all rules. */
  readonly fidelity: TranslationFidelity;
  /** One entry per neutral rule (and one with index -1 for protected tags, when given). */
  readonly rules: RuleTranslation[];
  /** Warnings the constructs surface as annotations (such as "ECR has no dry run"). */
  readonly warnings: string[];
}

import { Problems, SpecProblem } from '../spec';

/**
 * The spec's `labels` become tags of every resource the AWS constructs create (repositories, roles, the OIDC
 * provider, keys, topics): checked against the strictest of their rules, so that a label that validates deploys.
 * - AWS tagging rules (e.g. ECS/Batch API reference, "Tag restrictions"): "Maximum number of tags per resource –
 *   50"; "Generally allowed characters are letters, numbers, spaces representable in UTF-8, and the following
 *   characters: + - = . _ : / @"; "Don't use aws:, AWS:, or any upper or lowercase combination of such as a prefix
 *   for either keys or values, as it is reserved for Amazon use."
 * - The CloudFormation resource schemas aws-cdk-lib validates against: AWS::ECR::Repository `Key` at most 127 and
 *   `Value` at most 255 characters, the pattern `^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`, and a `Value` of at least 1
 *   character on some of the resources (measured with `@aws-cdk/core:validateAgainstDefaultRules`).
 */
export function awsTagProblems(labels: unknown): SpecProblem[] {
  const problems = new Problems();
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) return []; // the neutral shape check names it
  const entries = Object.entries(labels as { [key: string]: unknown });
  if (entries.length > AWS_TAGS.max) {
    problems.add('labels', entries.length, `labels become tags of every AWS resource, and AWS takes at most ${AWS_TAGS.max} tags per resource`);
  }
  for (const [key, value] of entries) {
    if (typeof value !== 'string') continue;
    if (key.length > AWS_TAGS.keyMax || !AWS_TAGS.chars.test(key)) {
      problems.add(`labels.${key}`, key, `is not an AWS tag key (1-${AWS_TAGS.keyMax} letters, digits, spaces and + - = . _ : / @)`);
    } else if (/^aws:/i.test(key)) {
      problems.add(`labels.${key}`, key, 'starts with "aws:", a prefix AWS reserves for its own tags');
    }
    if (value.length < 1 || value.length > AWS_TAGS.valueMax || !AWS_TAGS.chars.test(value)) {
      problems.add(`labels.${key}`, value, `is not an AWS tag value (1-${AWS_TAGS.valueMax} letters, digits, spaces and + - = . _ : / @)`);
    } else if (/^aws:/i.test(value)) {
      problems.add(`labels.${key}`, value, 'starts with "aws:", a prefix AWS reserves for its own tags');
    }
  }
  return problems.list;
}

/** The limits of AWS tags that `awsTagProblems` checks. */
const AWS_TAGS = { max: 50, keyMax: 127, valueMax: 255, chars: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u };

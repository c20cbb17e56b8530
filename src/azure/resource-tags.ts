import { Problems } from '../spec/problems';
import { SpecProblem } from '../spec/validate';

/**
 * Tags of the Azure resources (the spec's `labels` and the `tags` prop), checked against Azure's rules
 * (learn.microsoft.com, "Use tags to organize your Azure resources and management hierarchy", Limitations):
 * "Each resource, resource group, and subscription can have a maximum of 50 tag name-value pairs"; "The tag name
 * has a limit of 512 characters and the tag value has a limit of 256 characters"; "Tag names can't contain these
 * characters: <, >, %, &, \, ?, /".
 *
 * @param path the field of the tags (`labels`, `props.tags`), or `labels and tags` for the merged count
 */
export function azureTagProblems(tags: { [key: string]: unknown }, path: string): SpecProblem[] {
  const problems = new Problems();
  for (const [name, value] of Object.entries(tags)) {
    if (name.length < 1 || name.length > 512 || /[<>%&\\?/]/.test(name)) {
      problems.add(`${path}.${name}`, name, 'is not an Azure tag name (1-512 characters, none of < > % & \\ ? /)');
    }
    if (typeof value === 'string' && value.length > 256) problems.add(`${path}.${name}`, value, 'is longer than 256 characters, the limit of an Azure tag value');
  }
  return problems.list;
}

/** The most tags an Azure resource takes. */
export const AZURE_TAGS_MAX = 50;

import { Cloud } from '../../src/spec';
import { TerraformPlanReader } from '../../src/terraform/terraform-plan-reader';

// Synthesized Terraform JSON as cdktf writes it: resources by type and logical name, with the construct path in "//".
const json = {
  resource: {
    google_service_account: {
      Registry_Identities_ci_4E6E3256: { '//': { metadata: { path: 'stack/Registry/Identities/ServiceAccount-ci' } }, 'account_id': 'platform-ci' },
    },
    google_artifact_registry_repository_iam_member: {
      Registry_Repo_Writer_B2: {
        '//': { metadata: { path: 'stack/Registry/Repository-dev/Writer' } },
        'member': 'serviceAccount:${google_service_account.Registry_Identities_ci_4E6E3256.email}',
        'project': '${data.google_project.Project_1.number}',
        'depends_on': ['google_service_account.Registry_Identities_ci_4E6E3256'],
        'provider': 'google',
        'role': 'roles/artifactregistry.writer',
      },
      A_Resource_1: { '//': { metadata: { path: 'stack/A/Resource' } }, 'role': 'roles/artifactregistry.reader', 'member': '${unknown_type.X.id}' },
    },
  },
};

describe('TerraformPlanReader', () => {
  const reader = new TerraformPlanReader(json, Cloud.GCP, 'google_');

  test('resources of a type by construct path (without the stack and "Resource"), in path order', () => {
    expect(reader.resources('google_artifact_registry_repository_iam_member').map((r) => r.path)).toEqual(['A', 'Registry/Repository-dev/Writer']);
    expect(reader.resources('google_nothing')).toEqual([]);
  });

  test('render: references become placeholders named by construct path; metadata, depends_on and provider go', () => {
    const writer = reader.resources('google_artifact_registry_repository_iam_member')[1];
    expect(reader.render(writer.body)).toEqual({
      member: 'serviceAccount:<gcp:service-account:Registry/Identities/ServiceAccount-ci:email>',
      project: '<gcp:data-project:number>',
      role: 'roles/artifactregistry.writer',
    });
    // A reference to a resource the JSON does not hold stays as written.
    expect(reader.render('${unknown_type.X.id}')).toBe('${unknown_type.X.id}');
  });

  test('entry: stable JSON (sorted keys) or text as is; name renders a single value', () => {
    const a = reader.entry('repo', 'iam', { role: 'r', member: 'm' });
    const b = reader.entry('repo', 'iam', { member: 'm', role: 'r' });
    expect(a).toEqual(b);
    expect(a).toMatchObject({ cloud: Cloud.GCP, resource: 'repo', kind: 'iam' });
    expect(reader.entry('repo', 'script', 'acr purge --filter "api:.*"').document).toBe('acr purge --filter "api:.*"');
    expect(reader.name('${google_service_account.Registry_Identities_ci_4E6E3256.account_id}')).toBe('<gcp:service-account:Registry/Identities/ServiceAccount-ci:account_id>');
  });

  test('empty or missing JSON reads as no resources', () => {
    expect(new TerraformPlanReader(undefined, Cloud.AZURE, 'azurerm_').resources('azurerm_role_assignment')).toEqual([]);
  });
});

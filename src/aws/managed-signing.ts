import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { claimAccountSingleton } from './account-singletons';
import { RegistryReplication } from './replication';
import { Problems, RegistrySpec, SpecProblem } from '../spec';

/** Props of `EcrManagedSigning`. */
export interface EcrManagedSigningProps {
  /**
   * The AWS Signer signing profile that signs the pushed images
   * (`arn:<partition>:signer:<region>:<account>:/signing-profiles/<name>`, a profile of
   * the Notation-OCI-SHA384-ECDSA platform).
   */
  readonly signingProfileArn: string;

  /**
   * The spec whose repositories are signed (the filters default to its namespaces).
   */
  readonly spec: RegistrySpec;

  /**
   * WILDCARD_MATCH repository filters (`*` matches any characters), at most 100.
   *
   * @default - the spec's namespaces: `<registry>/*`, or `<registry>-<environment>/*` per environment with the `registries` layout
   */
  readonly repositoryFilters?: string[];
}

const PROFILE_ARN = /^arn:aws(-[a-z]+)*:signer:[a-z0-9-]+:\d{12}:\/signing-profiles\/[A-Za-z0-9_]{2,64}$/;
const FILTER = /^[a-z0-9*][a-z0-9._\-/*]{0,255}$/;

/**
 * ECR managed signing (`AWS::ECR::SigningConfiguration`): ECR signs every image pushed
 * to the filtered repositories with AWS Signer, producing Notation signatures (OCI
 * referrers) for verification at deploy time. It is an addition to the cosign
 * signatures the generated workflow makes and the promotion hops verify.
 *
 * ECR user guide, "Managed signing": "Amazon ECR managed signing automatically signs
 * images as they are pushed using the identity of the entity pushing the image", and
 * "The IAM principal that pushes the image must have the necessary IAM permissions to
 * access the relevant Signer signing profile" (`signer:SignPayload` on the profile):
 * `RegistryIdentities` grants it to every role that pushes (`EcrManagedSigning.statement`).
 *
 * The signing configuration is registry-wide (one per account and region): a second
 * one in the same app is a synth-time error.
 */
export class EcrManagedSigning extends Construct {
  /** The action the pushers need on the signing profile. */
  public static readonly SIGN_ACTION: string = 'signer:SignPayload';

  /** The problems of a signing profile ARN and filters, each naming the field, the value and what is allowed. */
  public static problems(signingProfileArn: string, repositoryFilters?: string[]): SpecProblem[] {
    const problems = new Problems();
    if (!PROFILE_ARN.test(signingProfileArn ?? '')) {
      problems.add('signingProfileArn', signingProfileArn, 'is not an AWS Signer signing profile ARN (arn:<partition>:signer:<region>:<account>:/signing-profiles/<name>)');
    }
    if (repositoryFilters !== undefined) {
      if (repositoryFilters.length === 0 || repositoryFilters.length > 100) {
        problems.add('repositoryFilters', repositoryFilters, 'must hold 1 to 100 filters (ECR: "Maximum of 100 filters per rule"); omit it for the spec\'s namespaces');
      }
      repositoryFilters.forEach((f, i) => {
        if (!FILTER.test(f)) problems.add(`repositoryFilters[${i}]`, f, 'is not a repository name filter (lower-case letters, digits, . _ - / and *)');
      });
    }
    return problems.list;
  }

  /** The default filters of a spec: its namespaces, each as `<prefix>*`. */
  public static defaultFilters(spec: RegistrySpec): string[] {
    return RegistryReplication.defaultPrefixes(spec).map((p) => `${p}*`);
  }

  /** The statement a pushing role needs: `signer:SignPayload` on the profile only. */
  public static statement(signingProfileArn: string): iam.PolicyStatement {
    return new iam.PolicyStatement({ sid: 'SignOnPush', actions: [EcrManagedSigning.SIGN_ACTION], resources: [signingProfileArn] });
  }

  /** The signing configuration. */
  public readonly configuration: ecr.CfnSigningConfiguration;

  /** The filters of the rule. */
  public readonly repositoryFilters: string[];

  constructor(scope: Construct, id: string, props: EcrManagedSigningProps) {
    super(scope, id);
    new Problems().addAll(EcrManagedSigning.problems(props.signingProfileArn, props.repositoryFilters)).throwIfAny(`aws.EcrManagedSigning ${this.node.path}`);
    claimAccountSingleton(this, 'signing configuration', 'aws.EcrManagedSigning');
    this.repositoryFilters = props.repositoryFilters ?? EcrManagedSigning.defaultFilters(props.spec);
    this.configuration = new ecr.CfnSigningConfiguration(this, 'Resource', {
      rules: [{
        signingProfileArn: props.signingProfileArn,
        repositoryFilters: this.repositoryFilters.map((filter) => ({ filter, filterType: 'WILDCARD_MATCH' })),
      }],
    });
  }
}

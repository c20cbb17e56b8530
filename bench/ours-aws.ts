/** Ours on AWS: `EcrRegistryStacks.create` with a pinned stack count. */
import { App } from 'aws-cdk-lib';
import { AWS_ENV } from './scale-apps';
import { EcrRegistryStacks } from '../src/aws';
import { RegistrySpec } from '../src/spec';

/** The app's props: analytics off (its metadata names construct types, so it differs by construction), validation as asked. */
export function awsAppProps(outdir: string, validation: boolean) {
  return { outdir, analyticsReporting: false, builtinCloudFormationValidation: validation };
}

/** Builds ours into `app`, with the spec's default stack count pinned (computed by the caller, outside any timed region). */
export function buildOursAws(app: App, spec: RegistrySpec, stackCount: number): EcrRegistryStacks {
  return EcrRegistryStacks.create(app, { spec, env: AWS_ENV, stackCount });
}

/** Measured child: ours on AWS (see `runChild` in ../scale-apps.ts). */
import { App } from 'aws-cdk-lib';
import { EcrRegistryStacks } from '../../src/aws';
import { awsAppProps, buildOursAws } from '../ours-aws';
import { runChild } from '../scale-apps';

runChild('ours', async ({ cloud, outdir, specs: [spec] }) => {
  const stackCount = EcrRegistryStacks.defaultStackCount(spec);
  let app: App;
  return {
    build: () => {
      app = new App(awsAppProps(outdir, cloud === 'aws'));
      buildOursAws(app, spec, stackCount);
    },
    synth: () => { app.synth(); },
  };
});

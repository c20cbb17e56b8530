/** Measured child: the AWS baseline, L1 classes from ours' precomputed documents (see `runChild` in ../scale-apps.ts). */
import { App, Token } from 'aws-cdk-lib';
import { awsRecipe } from '../baseline';
import { assertAwsTypesKnown, buildAwsBaseline } from '../baseline-aws';
import { awsAppProps } from '../ours-aws';
import { runChild } from '../scale-apps';

runChild('baseline', async ({ cloud, outdir, referenceDir }) => {
  const recipe = awsRecipe(referenceDir, (intrinsic) => Token.asString(intrinsic));
  assertAwsTypesKnown(recipe);
  let app: App;
  return {
    build: () => {
      app = new App(awsAppProps(outdir, cloud === 'aws'));
      buildAwsBaseline(app, recipe);
    },
    synth: () => { app.synth(); },
  };
});

/** Measured child: the GCP or Azure baseline, provider classes from ours' precomputed documents (see `runChild` in ../scale-apps.ts). */
import { App } from 'cdktf';
import { terraformRecipe } from '../baseline';
import { buildTerraformBaseline, loadProviderClasses } from '../baseline-terraform';
import { runChild } from '../scale-apps';

runChild('baseline', async ({ outdir, referenceDir }) => {
  const recipe = terraformRecipe(referenceDir);
  const classes = await loadProviderClasses(recipe);
  let app: App;
  return {
    build: () => {
      app = new App({ outdir });
      buildTerraformBaseline(app, recipe, classes);
    },
    synth: () => { app.synth(); },
  };
});

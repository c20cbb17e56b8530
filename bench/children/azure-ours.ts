/** Measured child: ours on Azure (see `runChild` in ../scale-apps.ts). */
import { App } from 'cdktf';
import { buildOursAzure } from '../ours-azure';
import { runChild } from '../scale-apps';

runChild('ours', async ({ outdir, specs }) => {
  let app: App;
  return {
    build: () => {
      app = new App({ outdir });
      for (const spec of specs) buildOursAzure(app, spec);
    },
    synth: () => { app.synth(); },
  };
});

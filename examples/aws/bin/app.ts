import { App } from 'aws-cdk-lib';
import { buildPlatform } from '../lib/platform';

const app = new App();
buildPlatform(app);
app.synth();

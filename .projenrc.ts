import { awscdk, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

// Versions measured to install and work together on the project's machines
// (see ../shared/reference/toolchain.md). Keep them pinned: cdktf is archived
// upstream and the prebuilt providers stop at cdktf 0.21.
const CDK_VERSION = '2.276.0';
const CONSTRUCTS_VERSION = '10.5.1';
const CDKTF_VERSION = '0.21.0';
const PROVIDER_GOOGLE_VERSION = '16.12.1';
const PROVIDER_AZURERM_VERSION = '14.23.1';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'container-registry-constructs',
  description:
    'One cloud-neutral container registry spec, provisioned on AWS ECR (AWS CDK), Google Artifact Registry and Azure Container Registry (CDK for Terraform), with retention proven never to delete what the spec keeps.',
  author: 'Platform Engineering',
  authorAddress: 'platform@example.com',
  repositoryUrl: 'https://github.com/example/container-registry-constructs.git',
  defaultReleaseBranch: 'main',
  keywords: ['cdk', 'cdktf', 'ecr', 'artifact-registry', 'acr', 'container-registry', 'retention'],

  cdkVersion: CDK_VERSION,
  constructsVersion: CONSTRUCTS_VERSION,
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.3',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // CI is `.ci/run` on a clean machine; no GitHub workflows are generated.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  peerDeps: [
    `cdktf@${CDKTF_VERSION}`,
    `@cdktf/provider-google@^${PROVIDER_GOOGLE_VERSION}`,
    `@cdktf/provider-azurerm@^${PROVIDER_AZURERM_VERSION}`,
  ],
  // Non-jsii runtime dependencies must be bundled into the package.
  bundledDeps: ['yaml@^2.8.0'],
  devDeps: [
    `cdktf@${CDKTF_VERSION}`,
    `@cdktf/provider-google@${PROVIDER_GOOGLE_VERSION}`,
    `@cdktf/provider-azurerm@${PROVIDER_AZURERM_VERSION}`,
    'aws-cdk@2.1148.1',
    'cdk-nag@3.0.2',
    'fast-check@^4.3.0',
    '@swc/core@^1.13.0',
    '@swc/jest@^0.2.39',
    'tsx@^4.20.0',
    'ts-json-schema-generator@^2.4.0',
    '@actions/workflow-parser@^0.3.61',
    '@types/node@^20',
    // Independent checkers of the access model (issue 13): AWS IAM evaluation and CEL.
    '@cloud-copilot/iam-simulate@^0.1.173',
    '@bufbuild/cel@^0.6.1',
    '@cloud-copilot/iam-policy@^0.1.109',
  ],
  bin: { 'container-registry': 'lib/cli/main.js' },

  jestOptions: {
    // `npm test` fails on a snapshot mismatch; `npm run test:update` rewrites them.
    updateSnapshot: UpdateSnapshot.NEVER,
    configFilePath: 'jest.config.json',
    jestConfig: {
      // @swc/jest strips types only: several times faster than ts-jest with type
      // checking, and type errors are caught by the jsii compile and eslint.
      transform: { '^.+\\.[t]sx?$': new javascript.Transform('@swc/jest') },
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      maxWorkers: 2,
      collectCoverage: false,
      // Examples import the package by name, as a user's app does.
      moduleNameMapper: {
        '^container-registry-constructs$': '<rootDir>/src/index.ts',
        // One CloudFormation validator engine per worker, not per test file (about 5 s of CPU
        // each): see test/support/shared-validator.ts.
        '^@aws/cloudformation-validate$': '<rootDir>/test/support/cloudformation-validate.ts',
      },
      testEnvironment: '<rootDir>/test/support/jest-environment.ts',
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/examples/'],
      modulePathIgnorePatterns: ['<rootDir>/examples/.*/cdk.out', '<rootDir>/examples/.*/cdktf.out'],
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'scripts', 'bench'],
  },
  tsconfigDev: {
    include: ['examples/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    compilerOptions: {},
  },
  gitignore: ['cdk.out', 'cdktf.out', '.cdk.staging', 'examples/**/*.js', 'examples/**/*.d.ts', '!examples/**/jest.config.js'],
  npmIgnoreOptions: { ignorePatterns: ['examples', 'bench', 'scripts', '.ci'] },

  // jsii targets (issue 20): `.ci/run` generates each language's code with
  // `jsii-pacmak --code-only` and checks what can be checked offline; building the
  // distributable packages needs package registries CI cannot reach.
  publishToPypi: { distName: 'container-registry-constructs', module: 'container_registry_constructs' },
  publishToMaven: {
    mavenGroupId: 'io.github.example',
    mavenArtifactId: 'container-registry-constructs',
    javaPackage: 'io.github.example.containerregistry',
  },
  publishToNuget: { dotNetNamespace: 'Example.ContainerRegistryConstructs', packageId: 'Example.ContainerRegistryConstructs' },
  publishToGo: { moduleName: 'github.com/example/container-registry-constructs-go' },
});

// The provider packages load thousands of classes from their roots: only submodule
// paths are allowed. cdktf stays inside the CDKTF folders (see DESIGN.md) so that a
// move to a continuation of CDK for Terraform touches nothing else.
const providerRootImports = {
  paths: [
    { name: '@cdktf/provider-google', message: 'Import provider classes by submodule path, e.g. @cdktf/provider-google/lib/artifact-registry-repository.' },
    { name: '@cdktf/provider-azurerm', message: 'Import provider classes by submodule path, e.g. @cdktf/provider-azurerm/lib/container-registry.' },
  ],
};
project.eslint?.addRules({ 'no-restricted-imports': ['error', providerRootImports] });
project.eslint?.addOverride({
  files: ['src/spec/**/*.ts', 'src/tagging/**/*.ts', 'src/retention/**/*.ts', 'src/promotion/**/*.ts', 'src/aws/**/*.ts', 'src/terraform/**/*.ts', 'src/cli/**/*.ts', 'src/index.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      ...providerRootImports,
      patterns: [{ group: ['cdktf', 'cdktf/*', '@cdktf/*'], message: 'cdktf may only be imported in src/gcp, src/azure, src/harbor and src/github.' }],
    }],
  },
});

// Examples import the package by name, as a user's app does; in this repository
// examples/tsconfig.json maps the name to src/, and the import resolver follows it.
project.tryFindObjectFile('.eslintrc.json')?.addOverride('settings.import/resolver.typescript.project', ['./tsconfig.json', './examples/tsconfig.json']);
project.tryFindObjectFile('.eslintrc.json')?.addOverride('settings.import/resolver.typescript.noWarnOnMultipleProjects', true);

// JSON Schema of the spec file, generated from the TypeScript types.
project.addTask('schema', {
  description: 'Generate the JSON Schema of the spec file from src/spec types',
  exec: 'tsx scripts/gen-schema.ts',
});

// The README's main command: validate, summarize and synthesize every example.
project.addTask('synth:examples', {
  description: 'Validate each example spec, print its summary and synthesize every example app',
  exec: 'tsx scripts/synth-examples.ts',
});
project.addTask('bench', {
  description: 'Run the benchmarks (prints numbers; not part of the test suite)',
  exec: 'tsx bench/run.ts',
});
project.addTask('bench:plan', {
  description: 'Benchmark `plan` of the benchmark spec at 500 to 3,000 repositories against synthesis (time, peak memory)',
  exec: 'tsx bench/run.ts plan',
});
project.addTask('bench:retention', {
  description: 'Benchmark the retention evaluators on 100,000 images (synthetic policies, long Artifact Registry prefix lists)',
  exec: 'tsx bench/run.ts retention',
});

// The shared promotion hop logic is a real shell file, shipped beside the compiled code.
project.postCompileTask.exec('cp src/promotion/promote-image.sh lib/promotion/promote-image.sh');
project.postCompileTask.exec('cp src/promotion/scan-gate.sh lib/promotion/scan-gate.sh');

// Type errors fail the suite too: @swc/jest only strips types.
project.testTask.prependExec('tsc -p tsconfig.check.json');
// The promotion integration tests need a real registry and skopeo (Debian packages).
project.testTask.prependExec('sh scripts/ensure-test-tools.sh');

project.synth();

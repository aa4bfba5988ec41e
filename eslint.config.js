// Lint: typescript-eslint, React hooks, and the import boundaries from docs/architecture.md.
import { existsSync, readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const zone = (target, from, message, except) => ({ target, from, message, ...(except && { except }) });

/** The folders directly below `dir`, read from the tree, so a new one is guarded without editing this file. */
const foldersOf = (dir) =>
  readdirSync(new URL(dir, import.meta.url), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

// The parts of the picture in docs/architecture.md, as import rules.
const partZones = [
  zone(
    './src/facts',
    ['./src/blueprint', './src/console', './src/server', './src/local', './src/commands'],
    'facts are plain data shared by blueprint and local: they import nothing else of ours',
  ),
  zone(
    './src/blueprint',
    ['./src/console', './src/server', './src/local', './src/commands'],
    'blueprint is pure: it imports only facts',
  ),
  zone(
    './src/console',
    ['./src/server', './src/local', './src/commands'],
    'the SPA talks to the server over HTTP only',
  ),
  zone(
    './src/local',
    ['./src/console', './src/server', './src/blueprint', './src/commands'],
    'the control plane stands alone',
  ),
  zone('./src/server', ['./src/console'], 'the server serves the built SPA, it does not import it'),
  zone(
    ['./src/server', './src/commands', './src/cli.ts'],
    './src/local',
    'outside the control plane, import src/local only through its entry (src/local/index.ts)',
    ['./index.ts'],
  ),
  zone(
    './src/local/scheduler',
    ['./src/local/agent', './src/local/cloudformation', './src/local/ec2', './src/local/elb'],
    'the scheduler only sees ECS state',
  ),
];

// The console: every folder of src/console/features is a feature (bulletproof-react's rules).
const features = foldersOf('./src/console/features');
const consoleZones = [
  ...features.map((f) =>
    zone(
      `./src/console/features/${f}`,
      './src/console/features',
      'features never import each other; share through src/console/components, aws/ or lib/',
      [`./${f}`],
    ),
  ),
  zone(
    './src/console/features',
    './src/console/app',
    'the app composes features; features never import app/',
  ),
  zone(
    ['./src/console/components', './src/console/aws', './src/console/lib'],
    ['./src/console/features', './src/console/app'],
    'shared code never imports features or the app',
  ),
];

// The control plane: a folder of src/local with a provider.ts is a service. A service reaches another
// only through deps.services.call (the same actions the wire exposes), never its files. Tests and their
// fixtures may compose several services.
const services = foldersOf('./src/local').filter((d) =>
  existsSync(new URL(`./src/local/${d}/provider.ts`, import.meta.url)),
);
const serviceZones = services.map((s) =>
  zone(
    `./src/local/${s}`,
    services.filter((o) => o !== s).map((o) => `./src/local/${o}`),
    'a service calls another through deps.services.call, never imports its files',
  ),
);
const rules = (zones) => ({ 'import-x/no-restricted-paths': ['error', { zones }] });

// Untrusted keys (issue 8): readers of request members, map keys, action names and template names
// look names up as own properties (src/local/common/safe-object.ts), never through the prototype.
const untrustedKeys = {
  files: [
    'src/local/protocol/**/*.ts',
    'src/local/cloudformation/**/*.ts',
    'src/local/ecs/validate.ts',
    'src/local/common/safe-object.ts',
  ],
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-syntax': [
      'error',
      {
        selector: "BinaryExpression[operator='in']",
        message:
          '`name in obj` also finds inherited names (constructor, toString): use hasOwn() from common/safe-object.',
      },
      {
        selector:
          "MemberExpression[computed=true][property.type!='Literal'][object.property.name=/^(actions|Parameters|Resources|Outputs|Mappings|Conditions|parameters|conditions|mappings|members)$/]",
        message:
          'a name from the request may be inherited (constructor, __proto__): read it with own() from common/safe-object.',
      },
      {
        selector:
          "VariableDeclarator[init.type='ObjectExpression'][init.properties.length=0][id.typeAnnotation.typeAnnotation.typeName.name='Record']",
        message:
          'a {}-built dictionary answers for inherited names and `d["__proto__"] = v` replaces its prototype: use dict() (or setOwn) from common/safe-object, or a Map.',
      },
    ],
  },
};

// The console takes SDK commands by name (tree-shaken). `import('@aws-sdk/client-x')` keeps the whole
// package: the EC2 client alone was ~1 MB minified that way (src/console/aws/ec2.ts re-exports).
const consoleSdkImports = {
  files: ['src/console/**/*.ts', 'src/console/**/*.tsx'],
  rules: {
    'no-restricted-syntax': [
      'error',
      {
        selector: 'ImportExpression[source.value=/^@aws-sdk\\u002Fclient-/]',
        message:
          "a dynamic import of an SDK client keeps all its commands: re-export the commands used from the client's module in src/console/aws/ and import that.",
      },
    ],
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { 'import-x': importX, 'react-hooks': reactHooks },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { maxDepth: 3 }],
      ...rules([...partZones, ...consoleZones]),
    },
  },
  untrustedKeys,
  consoleSdkImports,
  {
    files: ['src/local/**'],
    ignores: ['**/*.test.ts', '**/testing.ts', '**/test-fixtures.ts'],
    rules: rules([...partZones, ...serviceZones]),
  },
);

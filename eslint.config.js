// Lint: typescript-eslint, React hooks, and the import boundaries from docs/architecture.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const zone = (target, from, message) => ({ target, from, message });

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
    'blueprint is pure: it imports nothing else of ours',
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
    './src/local/scheduler',
    ['./src/local/agent', './src/local/cloudformation', './src/local/ec2', './src/local/elb'],
    'the scheduler only sees ECS state',
  ),
];
const features = [
  'wizard',
  'launch',
  'clusters',
  'services',
  'tasks',
  'task-definitions',
  'instances',
  'stacks',
];
const featureZones = features.map((f) => ({
  target: `./src/console/features/${f}`,
  from: './src/console/features',
  except: [`./${f}`],
  message: 'features never import each other; share through src/console/components or aws/',
}));

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
      'import-x/no-restricted-paths': ['error', { zones: [...partZones, ...featureZones] }],
    },
  },
);

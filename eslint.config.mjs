import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.lynx/**', '**/tmp/**', 'runs/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:platform', 'type:schema', 'type:math', 'type:bundle', 'type:tutor', 'type:gate', 'type:registry-client'] },
            { sourceTag: 'type:gate', onlyDependOnLibsWithTags: ['type:schema', 'type:math', 'type:bundle', 'type:tutor', 'type:registry-client'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:schema', 'type:math', 'type:bundle', 'type:registry-client'] },
            { sourceTag: 'type:tutor', onlyDependOnLibsWithTags: ['type:schema', 'type:math', 'type:bundle', 'type:registry-client'] },
            { sourceTag: 'type:bundle', onlyDependOnLibsWithTags: ['type:schema', 'type:registry-client'] },
            // The registry's one client: every app, the CLI, the console and bundle transfers use it.
            { sourceTag: 'type:registry-client', onlyDependOnLibsWithTags: ['type:schema'] },
            { sourceTag: 'type:schema', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:math', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:tools', onlyDependOnLibsWithTags: ['type:platform', 'type:schema', 'type:math', 'type:bundle', 'type:tutor', 'type:gate', 'type:registry-client'] },
          ],
        },
      ],
    },
  },
];

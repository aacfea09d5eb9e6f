// ESLint flat config. TypeScript files are linted with type information (the project service
// reads tsconfig.json); plain .js/.mjs/.cjs files get the same rules minus the type-aware ones.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // Fixture trees are inputs of the import-cycle test (one has a cycle on purpose).
    ignores: ['dist/', 'coverage/', '.tap/', 'node_modules/', 'bench/**/results/', 'test/architecture/fixtures/'],
  },
  {
    linterOptions: {
      // A disable comment that no longer silences anything is stale: fail on it.
      reportUnusedDisableDirectives: 'error',
    },
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  comments.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Every disable comment says why on the line: `// eslint-disable-next-line rule -- reason`.
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }],

      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-explicit-any': 'error',
      // Promise bugs: a dropped promise loses its rejection; an async callback where a void
      // one is expected runs unawaited.
      '@typescript-eslint/no-floating-promises': [
        'error',
        // tap queues a subtest and reports its failure itself: `t.test(...)` needs no await.
        { allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    files: ['test/**'],
    rules: {
      // Test callbacks are `async` by habit, so adding an `await` later needs no signature
      // change; an unawaited promise inside one is still caught by no-floating-promises.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Plain JavaScript: not part of the TypeScript program, so no type-aware rules.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    rules: {
      // The .cjs helpers and bin/ are CommonJS: require is how they load modules.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['**/*.cjs', 'bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
  },
);

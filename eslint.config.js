import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'public/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    // src/ is the framework-free core: it runs in Node (runner, tests) and in the worker alike.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['react', 'react-dom', 'zustand', 'recharts'].map((name) => ({
            name,
            message: 'src/ is framework-free: UI libraries belong in app/.',
          })),
          patterns: [
            {
              group: ['react/*', 'react-dom/*', 'zustand/*', 'recharts/*', '../app/*', '../../app/*'],
              message: 'src/ never imports UI code.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'window', message: 'src/ must not touch the DOM.' },
        { name: 'document', message: 'src/ must not touch the DOM.' },
        { name: 'location', message: 'URL I/O belongs in app/store/urlSync.ts.' },
      ],
    },
  },
);

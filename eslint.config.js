// Lint enforces what ARCHITECTURE.md asks to enforce and the compiler cannot:
// no process.env outside src/config.ts (only main decides configuration),
// a file-length cap (400 lines of code; main.ts 500), no `any`, no default
// exports in src, and type-only imports. Layer import rules are checked by
// dependency-cruiser (.dependency-cruiser.cjs).
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'src/transports/addsvc/thrift-gen/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration in src/config.ts and pass it down from main.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports (ARCHITECTURE.md).' },
        { selector: 'TSEnumDeclaration', message: 'Enums are not erasable syntax (ARCHITECTURE.md).' },
        {
          selector: "ObjectExpression > SpreadElement[argument.name=/^(ctx|c|parent)$/]",
          message: 'A spread drops a RequestContext\'s signal (it lives on the prototype): use derive(ctx, patch) from kit/context.',
        },
      ],
    },
  },
  { files: ['src/main.ts'], rules: { 'max-lines': ['error', { max: 500, skipBlankLines: true, skipComments: true }] } },
)

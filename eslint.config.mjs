import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * services/binding: its folders depend one way, bottom to top (a folder imports only from lower layers,
 * never from a sibling of its own layer); see services/binding/README.md, "Layout".
 */
const BINDING_LAYERS = [
  ['shared', 'database', 'wechat'],
  ['customers', 'sessions', 'fleet'],
  ['photos', 'claims', 'push', 'oauth'],
  ['replies', 'gallery', 'retention', 'stats', 'looks'],
  ['products'],
];
const BINDING_SRC = 'services/binding/src';
/** The only binding files that may import TypeORM. */
const BINDING_TYPEORM_FILES = [
  '**/*.repository.ts',
  'database/entities/**',
  'database/migrations/**',
  'database/data-source.ts',
  'database/migration-runner.ts',
  'migrate.ts',
  'infrastructure.module.ts',
].map((glob) => `${BINDING_SRC}/${glob}`);
const bindingFolderRegex = (folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;
const bindingNoAppConfig = {
  name: '@mirror/platform',
  importNames: ['APP_CONFIG'],
  message: 'A binding class receives its own feature settings (X_SETTINGS), never the whole config.',
};

function bindingLayering() {
  const folderBlocks = BINDING_LAYERS.flatMap((layer, level) =>
    layer.map((folder) => {
      const below = BINDING_LAYERS.slice(0, level).flat();
      const forbidden = BINDING_LAYERS.slice(level)
        .flat()
        .filter((f) => f !== folder);
      return {
        files: [`${BINDING_SRC}/${folder}/**/*.ts`],
        rules: {
          '@typescript-eslint/no-restricted-imports': [
            'error',
            {
              paths: [bindingNoAppConfig],
              patterns: [
                {
                  regex: bindingFolderRegex(forbidden),
                  message: `binding's folders depend one way: ${folder}/ may import ${below.length ? `only ${below.join(', ')}` : 'no other folder'}.`,
                },
                {
                  regex: '^(\\.\\./)+(app\\.module|infrastructure\\.module|main|migrate)$',
                  message: 'Feature folders do not import the composition root.',
                },
                {
                  regex: '^(\\.\\./)+config$',
                  allowTypeImports: true,
                  message: 'Only the infrastructure module reads AppConfig; a feature gets its X_SETTINGS.',
                },
              ],
            },
          ],
        },
      };
    }),
  );
  return [
    {
      files: [`${BINDING_SRC}/**/*.ts`],
      rules: {
        'max-lines': ['error', { max: 250 }],
        '@typescript-eslint/no-restricted-imports': ['error', { paths: [bindingNoAppConfig] }],
      },
    },
    {
      files: [`${BINDING_SRC}/**/*.ts`],
      ignores: [`${BINDING_SRC}/infrastructure.module.ts`],
      rules: {
        'no-restricted-syntax': [
          'error',
          {
            selector: 'Property[key.name="useFactory"]',
            message: 'Providers built from config belong in src/infrastructure.module.ts.',
          },
        ],
      },
    },
    {
      files: [`${BINDING_SRC}/**/*.ts`],
      ignores: BINDING_TYPEORM_FILES,
      rules: {
        // restates the lib/service boundary of the shared block above, which this rule setting replaces
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                group: ['**/services/**', '../../services/*'],
                message: 'A lib or service never imports another service.',
              },
              {
                group: ['typeorm', 'typeorm/*'],
                message:
                  'Only repositories and src/database talk to TypeORM; a service draws transactions with UnitOfWork.',
              },
            ],
          },
        ],
      },
    },
    ...folderBlocks,
  ];
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'artifacts/**', '.infra/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-require-imports': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/services/**', '../../services/*'],
              message: 'A lib or service never imports another service.',
            },
          ],
        },
      ],
    },
  },
  ...bindingLayering(),
);

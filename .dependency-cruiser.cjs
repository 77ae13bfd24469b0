// The layer import rules of ARCHITECTURE.md: kit knows no business; a service
// knows no transport; layers of one service never reach into another's; other
// folders are entered only through their index.ts; nothing imports main.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'kit-is-domain-agnostic',
      comment: 'src/kit must not import application code: it is the part a split takes along unchanged.',
      severity: 'error',
      from: { path: '^src/kit/' },
      to: { path: '^src/(?!kit/)' },
    },
    {
      name: 'middleware-only-uses-kit',
      severity: 'error',
      from: { path: '^src/middleware/' },
      to: { path: '^src/(services|endpoints|transports)/' },
    },
    {
      name: 'services-know-no-transport',
      comment: 'Business logic never imports endpoints, transports, generic middleware or fastify.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: '^src/(endpoints|transports|middleware)/|node_modules/fastify' },
    },
    {
      name: 'services-use-each-other-only-through-index-types',
      severity: 'error',
      from: { path: '^src/services/([^/]+)/' },
      to: { path: '^src/services/([^/]+)/', pathNot: ['^src/services/$1/', '^src/services/[^/]+/index\\.ts$'] },
    },
    {
      name: 'endpoints-stay-in-their-service',
      severity: 'error',
      from: { path: '^src/endpoints/([^/]+)/' },
      to: { path: '^src/(endpoints|services|transports)/([^/]+)/', pathNot: ['^src/endpoints/$1/', '^src/services/$1/index\\.ts$'] },
    },
    {
      name: 'endpoints-know-no-fastify',
      severity: 'error',
      from: { path: '^src/endpoints/' },
      to: { path: 'node_modules/fastify' },
    },
    {
      name: 'transports-stay-in-their-service',
      severity: 'error',
      from: { path: '^src/transports/([^/]+)/' },
      to: {
        path: '^src/(endpoints|services|transports)/([^/]+)/',
        pathNot: ['^src/transports/$1/', '^src/(endpoints|services)/$1/index\\.ts$'],
      },
    },
    {
      name: 'nothing-imports-main',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/main\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'Runtime cycles only: a type-only import back (middleware.ts naming Service) erases at build time.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
}

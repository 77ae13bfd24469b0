/**
 * bundle is the last step of `npm run build`: it writes dist/main.js, tsc's
 * dist/src/main.js as one ES module with our code, typebox and kysely
 * inside, which is what npm start and the Dockerfile run. Node 20's ES
 * module loader opens, stats, reads and closes each file on its own:
 * typebox and kysely are about 640 files, and importing main.js took 1.1 s
 * on one core of the benchmark machine, 0.5 s bundled.
 *
 * Every other package stays an import of node_modules, loaded by Node as
 * before: the OpenTelemetry instrumentations patch pg, http and undici as
 * they load, which a copy inside the bundle would escape. Everything else in
 * dist (the telemetry preload, migrate, the other entry points) is tsc's
 * output unchanged. Modules that main.js imports on demand (the metrics
 * backends) become chunks beside it, under dist/chunks/. The code is the same
 * modules tsc emitted, in the same order; the build test
 * (test/process/addsvc-profilesvc.build.test.ts) starts the bundle and calls
 * it on every transport.
 */
import { readFile, rm } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const entry = join(root, 'dist/src/main.js')
const outdir = join(root, 'dist')

/** inlined are the packages bundled into main.js: pure ES modules of many files that nothing instruments. */
const inlined = new Set(['typebox', 'kysely', 'kysely-pglite-dialect'])

/** packageOf names the package an import path starts with ('@scope/name' or 'name'); undefined for a relative or node: path. */
function packageOf(path: string): string | undefined {
  if (path.startsWith('.') || path.startsWith('/') || path.startsWith('node:')) return undefined
  const parts = path.split('/')
  return path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/** external leaves every package but the inlined ones to Node's loader. */
const external: Plugin = {
  name: 'external',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const pkg = packageOf(args.path)
      return pkg !== undefined && !inlined.has(pkg) ? { path: args.path, external: true } : undefined
    })
  },
}

/**
 * ownUrl keeps import.meta.url meaning the module's own file (pb.ts finds its
 * .proto beside it): in each of our modules but the entry, it becomes that
 * file's URL, relative to the bundle's, so the dist directory can move.
 */
const ownUrl: Plugin = {
  name: 'own-url',
  setup(b) {
    b.onLoad({ filter: /\/dist\/.*\.js$/ }, async (args) => {
      // Packages have dist/ folders too; only tsc's output is ours.
      if (relative(outdir, args.path).startsWith('..') || args.path.includes('/node_modules/')) return undefined
      const contents = await readFile(args.path, 'utf8')
      if (args.path === entry || !contents.includes('import.meta.url')) return { contents, loader: 'js' }
      const rel = relative(outdir, args.path)
      return { contents: contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(`./${rel}`)}, import.meta.url).href`), loader: 'js' }
    })
  },
}

// Chunks of an earlier build are named by hash: drop them before writing this build's.
await rm(join(outdir, 'chunks'), { recursive: true, force: true })
await build({
  entryPoints: [entry],
  outdir,
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [external, ownUrl],
})

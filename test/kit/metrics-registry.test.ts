// openProvider maps a metrics URL to its backend: a scheme it does not know,
// or an InfluxDB URL without a database, is refused at start with a message
// naming the URL (without its credentials); and a backend's module, with its
// library, is loaded only when its scheme is used: a process pushing to
// InfluxDB, or nowhere, never loads hot-shots (checked in a fresh process).
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { openProvider, schemes } from '../../src/kit/metrics/registry.js'
import { log } from '../helpers/nop.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** loaded opens url (if any) in a fresh process and returns the module paths it loaded. */
async function loaded(url: string | undefined): Promise<string[]> {
  const code = `
    import { createRequire } from 'node:module'
    import { openProvider } from './src/kit/metrics/registry.ts'
    import { nop } from './src/kit/log.ts'
    ${url ? `const p = await openProvider(${JSON.stringify(url)}, { log: nop() }); await p.close()` : ''}
    console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)))`
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root })
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as string[]
}

describe('openProvider', () => {
  it('refuses an unknown scheme, naming the URL without credentials and listing the schemes', async () => {
    await expect(openProvider('prometheus://user:secret@127.0.0.1:9090', { log })).rejects.toThrow(
      /^metrics URL prometheus:\/\/127\.0\.0\.1:9090: unknown scheme; use one of statsd:\/\/, dogstatsd:\/\//,
    )
    await expect(openProvider('prometheus://user:secret@127.0.0.1:9090', { log })).rejects.not.toThrow(/secret/)
    expect(schemes).toEqual(['statsd:', 'dogstatsd:', 'telegraf:', 'influx:', 'influxs:', 'graphite:'])
  })

  it('refuses an InfluxDB URL that names no database', async () => {
    await expect(openProvider('influx://127.0.0.1:8086', { log })).rejects.toThrow(/name the database as the path/)
    await expect(openProvider('influx://127.0.0.1:8086/a/b', { log })).rejects.toThrow(/name the database as the path/)
  })

  it('loads hot-shots only for a StatsD scheme', async () => {
    const hotShots = (paths: string[]) => paths.some((p) => p.includes('/node_modules/hot-shots/'))
    const [none, influx, statsd] = await Promise.all([
      loaded(undefined),
      loaded('influx://127.0.0.1:1/tskit'),
      loaded('statsd://127.0.0.1:1'),
    ])
    expect(hotShots(none)).toBe(false)
    expect(hotShots(influx)).toBe(false)
    expect(hotShots(statsd)).toBe(true)
  })
})

// The process as users run it (src/main.ts through tsx): a bad setting stops
// it at start naming the variable; SIGTERM lets a request that is in flight
// finish before a clean exit 0; a second signal exits at once.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { request as httpRequest } from 'node:http'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { spawnMain } from '../helpers/process.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** startSlowSum begins POST /sum and sends only part of the body, leaving the request in flight. */
function startSlowSum(port: number) {
  const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/sum', headers: { 'content-type': 'application/json', 'content-length': '16' } })
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
  })
  req.write('{"a": 40, ')
  return { finish: () => req.end('"b":2}'), answer }
}

describe('configuration errors', () => {
  it.each([
    ['PORT', 'eighty', /PORT="eighty" is invalid: an integer from 0 to 65535/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud" is invalid: one of fatal, error, warn, info, debug, trace, silent/],
    ['SERVICES', 'addsvc,mulsvc', /SERVICES="addsvc,mulsvc" is invalid/],
    ['SUM_RATE_LIMIT', '-1', /SUM_RATE_LIMIT="-1" is invalid/],
  ])('%s=%s stops the process at start with a message naming it', async (name, value, message) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, SERVICES: 'addsvc', [name]: value },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const [code] = (await once(child, 'exit')) as [number]
    expect(code).toBe(2)
    expect(err).toMatch(message)
    expect(err).not.toMatch(/\bat .*:\d+:\d+/)
  })
})

describe('graceful shutdown', () => {
  it('finishes a request in flight when SIGTERM arrives, refuses new ones, and exits 0', async () => {
    const proc = await spawnMain({ SERVICES: 'addsvc', SHUTDOWN_TIMEOUT_MS: '5000', LOG_LEVEL: 'info' })
    const slow = startSlowSum(proc.port)
    await new Promise((r) => setTimeout(r, 100))
    const exited = proc.stop('SIGTERM')
    await new Promise((r) => setTimeout(r, 200))
    // The listener is closed: a new connection is refused while the old request drains.
    await expect(fetch(`${proc.url}/sum`, { method: 'POST', body: '{}' })).rejects.toThrow()
    slow.finish()
    expect(await slow.answer).toEqual({ status: 200, body: '{"v":42}' })
    expect(await exited).toBe(0)
    expect(proc.output()).toMatch(/"msg":"stopped"/)
  })

  it('exits at once on a second signal, even with a request still in flight', async () => {
    const proc = await spawnMain({ SERVICES: 'addsvc', SHUTDOWN_TIMEOUT_MS: '60000' })
    const slow = startSlowSum(proc.port)
    slow.answer.catch(() => {})
    await new Promise((r) => setTimeout(r, 100))
    proc.child.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 200))
    const started = Date.now()
    expect(await proc.stop('SIGINT')).toBe(1)
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(proc.output()).toMatch(/second signal/)
  })

  it('gives up draining after SHUTDOWN_TIMEOUT_MS and exits 1', async () => {
    const proc = await spawnMain({ SERVICES: 'addsvc', SHUTDOWN_TIMEOUT_MS: '300' })
    const slow = startSlowSum(proc.port)
    slow.answer.catch(() => {})
    await new Promise((r) => setTimeout(r, 100))
    const started = Date.now()
    expect(await proc.stop('SIGTERM')).toBe(1)
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(proc.output()).toMatch(/drain timed out/)
  })
})

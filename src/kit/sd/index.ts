/** @module Service discovery: instancers (fixed, DNS) and the per-instance endpointer. */
export { type Endpointer, endpointer, type EndpointerOptions } from './endpointer.js'
export {
  dns,
  type DnsOptions,
  type Event,
  fixed,
  fromTargets,
  type Instancer,
  isDnsTarget,
  normalize,
  type Resolver,
} from './instancer.js'
export { defaultTtlMs, discover, isRegistryTarget, openInstancer, openRegistrar, type RegistryOptions } from './registry.js'
export { type Registrar } from './registrar.js'

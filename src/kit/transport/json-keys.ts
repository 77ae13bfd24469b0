/**
 * Go kit's servers decode JSON with Go's encoding/json, which matches an
 * object's keys to struct fields case-insensitively, and Go kit's own
 * clients send Go's field names: addsvc's client posts {"A":1,"B":2}. A
 * keyFolder renames such keys to the names a schema declares before the
 * body is checked, so validators, decoders and the OpenAPI document keep one
 * spelling (the documented one) while Go kit's clients are served as Go
 * kit's server serves them. The rules are encoding/json's: an exact match
 * wins; otherwise a key takes the first field whose name is equal to it
 * under Unicode simple case folding, the relation of Go's bytes.EqualFold
 * (JavaScript's `iu` regular expressions fold the same way, so "ſ" matches
 * "s" and the Kelvin sign "k"). Where Go lets the last of two spellings of
 * one field win ({"a":1,"A":2}), we refuse with a 400 naming the field.
 * Keys that match no field are left as they are, for the schema to refuse.
 * Objects under `properties` and arrays under `items` are folded by their
 * own schemas; `$ref`, `anyOf` and the like are not followed.
 */
import { BadRequestError } from './wire.js'

/** Folder renames the keys of a decoded JSON value to its schema's field names; where names the value in errors. */
export type Folder = (value: unknown, where: string) => unknown

/** Field is one declared name with its fold-matcher and the folder of its value, if that names fields too. */
interface Field {
  readonly name: string
  readonly folds: RegExp
  readonly inner: Folder | undefined
}

type Json = Readonly<Record<string, unknown>>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

// Under the `u` flag only syntax characters (and /) may be escaped.
const literal = (name: string): string => name.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')

/**
 * keyFolder compiles a JSON schema (an object schema's `properties`, an
 * array schema's `items`) into a Folder, once per schema; it returns
 * undefined when the schema names no fields, so callers can skip folding.
 */
export function keyFolder(schema: unknown): Folder | undefined {
  if (!isObject(schema)) return undefined
  if (isObject(schema.properties)) return objectFolder(schema.properties)
  const each = keyFolder(schema.items)
  if (each === undefined) return undefined
  return (value, where) => (Array.isArray(value) ? value.map((v: unknown, i) => each(v, `${where}.${i}`)) : value)
}

/** objectFolder folds the keys of an object with the given properties; it returns the value itself when all keys are exact. */
function objectFolder(properties: Json): Folder {
  const fields: Field[] = Object.entries(properties).map(([name, s]) => ({
    name,
    folds: new RegExp(`^${literal(name)}$`, 'iu'),
    inner: keyFolder(s),
  }))
  const byName = new Map(fields.map((f) => [f.name, f]))
  const nested = fields.some((f) => f.inner !== undefined)
  return function fold(value, where) {
    if (!isObject(value)) return value
    const keys = Object.keys(value)
    if (!nested && keys.every((k) => byName.has(k))) return value
    const out: [string, unknown][] = []
    const seen = new Map<string, string>()
    for (const key of keys) {
      const field = byName.get(key) ?? fields.find((f) => f.folds.test(key))
      if (field === undefined) {
        out.push([key, value[key]])
        continue
      }
      const first = seen.get(field.name)
      if (first !== undefined) throw new BadRequestError(`${where} has property '${field.name}' twice: '${first}' and '${key}'`)
      seen.set(field.name, key)
      out.push([field.name, field.inner ? field.inner(value[key], `${where}.${field.name}`) : value[key]])
    }
    // fromEntries defines every key as an own property, so a "__proto__" key stays data.
    return Object.fromEntries(out)
  }
}

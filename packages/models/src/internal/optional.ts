import * as Schema from "effect/Schema"

/**
 * An optional property as the wire has it: the key may be absent (or `null`, which
 * decodes as absent), it never holds `undefined`, and encoding omits it when absent.
 *
 * @internal
 */
export const optionalOrNull = <S extends Schema.Schema.All>(schema: S) =>
  Schema.optionalWith(schema, { exact: true, nullable: true })

/**
 * An optional property that is either absent or a value of `schema`: never `undefined`, and (unlike
 * {@link optionalOrNull}) never `null`.
 *
 * @internal
 */
export const exactOptional = <S extends Schema.Schema.All>(schema: S) => Schema.optionalWith(schema, { exact: true })

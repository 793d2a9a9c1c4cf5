/**
 * The OpenAPI document of the contract, derived from the client's endpoint table: the paths,
 * methods, parameters, bodies and statuses the live client sends and the local server answers
 * (the eight `identity` operations and the token exchange, `POST /token`, which needs no bearer
 * token: its `security` is empty).
 *
 * @since 0.1.0
 */
import { type Operation } from "@katanemo/client"
import { ApiExceptions, ErrorBody, ExceptionBody } from "@katanemo/models"
import * as JSONSchema from "effect/JSONSchema"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { endpoints, operations } from "./internal/operations.js"

/**
 * A JSON Schema, as OpenAPI 3.1 embeds it.
 *
 * @since 0.1.0
 * @category models
 */
export type JsonSchema = JSONSchema.JsonSchema7

/**
 * An OpenAPI 3.1 document (the parts this API uses).
 *
 * @since 0.1.0
 * @category models
 */
export interface Document {
  readonly openapi: "3.1.0"
  readonly info: { readonly title: string; readonly version: string; readonly description: string }
  readonly servers: ReadonlyArray<{ readonly url: string }>
  readonly tags: ReadonlyArray<{ readonly name: string; readonly description: string }>
  readonly paths: Record<string, Record<string, OperationObject>>
  readonly components: {
    readonly schemas: Record<string, JsonSchema>
    readonly securitySchemes: Record<string, { readonly type: "http"; readonly scheme: "bearer" }>
  }
  readonly security: ReadonlyArray<Record<string, ReadonlyArray<string>>>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface OperationObject {
  readonly operationId: string
  readonly summary: string
  readonly tags: ReadonlyArray<string>
  /** Present (and empty) on an operation that needs no bearer token: the token exchange. */
  readonly security?: ReadonlyArray<Record<string, ReadonlyArray<string>>>
  readonly parameters: ReadonlyArray<{
    readonly name: string
    readonly in: "path"
    readonly required: true
    readonly schema: JsonSchema
  }>
  readonly requestBody?: {
    readonly required: true
    readonly content: { readonly "application/json": { readonly schema: JsonSchema } }
  }
  readonly responses: Record<string, {
    readonly description: string
    readonly content: { readonly "application/json": { readonly schema: JsonSchema } }
  }>
}

const summaries: Record<Operation, string> = {
  createClientKey: "Create API Key",
  getClientKeyList: "List API Keys",
  getClientKey: "Get API Key",
  deleteClientKey: "Delete API Key",
  createUserForAccount: "Invite User",
  getUsersForAccount: "List Users",
  getUser: "Get User",
  updateUser: "Update user",
  getShortTermToken: "Get Token"
}

/** The vendor's tag of each operation: the eight of `identity`, and the token exchange of `access-control`. */
const tagOf = (operation: Operation): string => operation === "getShortTermToken" ? "access-control" : "identity"

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` })

/**
 * Builds the document. `serverUrl` is where the API is served (default: the public API).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: { readonly serverUrl?: string | undefined; readonly version?: string } = {}
): Document => {
  const schemas: Record<string, JsonSchema> = {}
  const fromAST = (ast: AST.AST): JsonSchema =>
    JSONSchema.fromAST(ast, {
      definitions: schemas,
      definitionPath: "#/components/schemas/",
      target: "openApi3.1",
      additionalPropertiesStrategy: "allow"
    })

  /** A model class becomes a named component of its wire (encoded) form; lists of them, arrays of refs. */
  const schemaOf = (ast: AST.AST): JsonSchema => {
    if (AST.isTransformation(ast)) {
      const identifier = AST.getIdentifierAnnotation(ast.to)
      if (Option.isSome(identifier)) {
        schemas[identifier.value] ??= fromAST(ast.from)
        return ref(identifier.value)
      }
    }
    if (AST.isTupleType(ast) && ast.elements.length === 0 && ast.rest.length === 1) {
      const [item] = ast.rest
      if (item !== undefined) return { type: "array", items: schemaOf(item.type) }
    }
    return fromAST(ast)
  }

  schemaOf(ErrorBody.ast)
  for (const { tag } of ApiExceptions.all) {
    fromAST(Schema.encodedSchema(ExceptionBody).annotations({ identifier: tag }).ast)
  }

  const paths: Record<string, Record<string, OperationObject>> = {}
  for (const operation of operations) {
    const endpoint = endpoints[operation]
    const parameters = endpoint.segments.flatMap((segment) =>
      "param" in segment
        ? [{
          name: segment.param,
          in: "path" as const,
          required: true as const,
          schema: { type: "string", minLength: 1 } satisfies JsonSchema
        }]
        : []
    )
    const responses: OperationObject["responses"] = {
      "200": { description: "Success", content: { "application/json": { schema: schemaOf(endpoint.ast.success) } } }
    }
    for (const { description, status, tag } of ApiExceptions.all) {
      if (tag === "NotFoundException" && !endpoint.listsNotFound) continue
      responses[String(status)] = { description, content: { "application/json": { schema: ref(tag) } } }
    }
    responses["default"] = {
      description: "unexpected error",
      content: { "application/json": { schema: ref("Error") } }
    }
    const body = endpoint.ast.body
    const path = (paths[endpoint.template] ??= {})
    path[endpoint.method.toLowerCase()] = {
      operationId: operation,
      summary: summaries[operation],
      tags: [tagOf(operation)],
      ...(endpoint.authenticated ? {} : { security: [] }),
      parameters,
      ...(body === undefined
        ? {}
        : { requestBody: { required: true, content: { "application/json": { schema: schemaOf(body) } } } }),
      responses
    }
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "Katanemo Identity API",
      version: options.version ?? "1.0.0",
      description: "API keys and users of an organization: the operations tagged `identity` of the Katanemo API, "
        + "and the token exchange (`getShortTermToken`, tagged `access-control`) that trades a key for a bearer token."
    },
    servers: [{ url: options.serverUrl ?? "https://api.katanemo.com" }],
    tags: [
      { name: "identity", description: "Katanemo's Identity related APIs" },
      {
        name: "access-control",
        description: "Katamemo's APIs that help achieve customers and developers achieve fine-grained access controls "
          + "(roles, abac, etc.)"
      }
    ],
    paths,
    components: { schemas, securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }]
  }
}

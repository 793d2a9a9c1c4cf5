/**
 * The per-operation input and output types, read off the client's endpoint table.
 *
 * @internal
 */
import { type Endpoint, IdentityApi, type Operation } from "@katanemo/client"

const endpoints = IdentityApi.endpoints

type Endpoints = typeof endpoints

/** The input (path ids and body fields) of an operation. */
export type InputOf<K extends Operation> = Endpoints[K] extends Endpoint.Endpoint<infer In, infer _A, infer _N> ? In
  : never

/** The answer of an operation. */
export type OutputOf<K extends Operation> = Endpoints[K] extends Endpoint.Endpoint<infer _In, infer A, infer _N> ? A
  : never

/** The eight operations, in the order of the spec's table. */
export const operations: ReadonlyArray<Operation> = [
  "createClientKey",
  "getClientKeyList",
  "getClientKey",
  "deleteClientKey",
  "createUserForAccount",
  "getUsersForAccount",
  "getUser",
  "updateUser"
]

export { endpoints }

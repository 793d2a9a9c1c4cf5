/**
 * How deeply JSON text nests, counted without parsing it: a parser and the schema checks after it
 * recurse, so text nested 100,000 levels deep would overflow the stack.
 */

/**
 * Whether the JSON text `text` nests arrays and objects deeper than `limit`, counted without
 * parsing (brackets inside strings are skipped). Text that is not JSON is counted the same way.
 */
export const nestsDeeperThan = (text: string, limit: number): boolean => {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // a backslash escapes the next character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) {
      inString = true
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true
    } else if (c === 0x5d || c === 0x7d) {
      depth--
    }
  }
  return false
}

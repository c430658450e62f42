// The fact editor's model: the enterprise's scalar facts (static and per year) as text fields,
// and the partial firm to PATCH — only what changed, typed like the stored value.
export const NOT_FACTS = new Set(['uscc', 'version', 'years', 'titles', 'incidents', 'awards', 'honours', 'maker_china', 'ip_items', 'batch', 'fields_changed'])

export type Scalar = string | number | boolean | null

export function isScalar(v: unknown): v is Scalar {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v)
}

/** The static scalar facts, in the firm's order. */
export function staticFacts(firm: Record<string, any>): [string, Scalar][] {
  return Object.entries(firm).filter(([k, v]) => !NOT_FACTS.has(k) && isScalar(v)) as [string, Scalar][]
}

/** Every yearly field name over all years, in first-seen order, and the years sorted. */
export function yearlyShape(firm: Record<string, any>): { years: string[]; fields: string[] } {
  const years = Object.keys(firm.years || {}).sort()
  const fields: string[] = []
  for (const y of years) for (const k of Object.keys(firm.years[y] || {})) if (!fields.includes(k)) fields.push(k)
  return { years, fields }
}

/** The text the user typed, typed like the stored value (a number stays a number). */
export function coerce(original: Scalar | undefined, text: Scalar): Scalar {
  if (typeof text !== 'string') return text
  const s = text.trim()
  if (s === '') return null
  if (typeof original === 'number' || original === undefined || original === null) {
    const n = Number(s)
    if (Number.isFinite(n) && /^-?\d+(\.\d+)?$/.test(s)) return n
    return typeof original === 'number' ? s : s
  }
  if (typeof original === 'boolean') return s === 'true'
  return s
}

function same(a: Scalar | undefined, b: Scalar): boolean {
  if ((a === undefined || a === null) && b === null) return true
  return a === b
}

/** The PATCH body: the static and yearly facts whose value differs from the firm's. */
export function diffFacts(
  firm: Record<string, any>,
  edited: { static: Record<string, Scalar>; years: Record<string, Record<string, Scalar>> },
): Record<string, any> {
  const body: Record<string, any> = {}
  for (const [k, v] of Object.entries(edited.static)) {
    const c = coerce(firm[k], v)
    if (!same(firm[k], c)) body[k] = c
  }
  for (const [y, fields] of Object.entries(edited.years)) {
    for (const [k, v] of Object.entries(fields)) {
      const orig = firm.years?.[y]?.[k]
      const c = coerce(orig, v)
      if (!same(orig, c)) {
        body.years = body.years || {}
        body.years[y] = body.years[y] || {}
        body.years[y][k] = c
      }
    }
  }
  return body
}

/** The editor's starting values: every scalar as the stored value (numbers as text). */
export function editModel(firm: Record<string, any>) {
  const st: Record<string, Scalar> = {}
  for (const [k, v] of staticFacts(firm)) st[k] = typeof v === 'number' ? String(v) : v
  const { years, fields } = yearlyShape(firm)
  const ys: Record<string, Record<string, Scalar>> = {}
  for (const y of years) {
    ys[y] = {}
    for (const k of fields) {
      const v = firm.years[y]?.[k]
      ys[y][k] = v === undefined || v === null ? '' : typeof v === 'number' ? String(v) : v
    }
  }
  return { static: st, years: ys }
}

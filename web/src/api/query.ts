// Filters of the pool, potential and dashboard links ↔ API query parameters and route queries.
// The pool list and its Excel export use the same mapping, so the export is what the list shows.
import type { Query } from './client'

export interface PoolFilters {
  region: string
  park: string
  industry: string
  size_class: string
  title: string
  policy: string
  outcome: string
  q: string
  sort: string
  page: number
  page_size: number
}

export const FILTER_KEYS = ['region', 'park', 'industry', 'size_class', 'title', 'policy', 'outcome', 'q'] as const

export function emptyFilters(): PoolFilters {
  return { region: '', park: '', industry: '', size_class: '', title: '', policy: '', outcome: '', q: '', sort: 'name', page: 1, page_size: 50 }
}

/** Route query (strings) → filters, ignoring unknown keys and bad numbers. */
export function filtersFromRoute(q: Record<string, unknown>): PoolFilters {
  const f = emptyFilters()
  for (const k of FILTER_KEYS) {
    const v = q[k]
    if (typeof v === 'string') f[k] = v.trim()
  }
  if (typeof q.sort === 'string' && /^-?[a-z_]+$/.test(q.sort)) f.sort = q.sort
  const page = Number(q.page)
  if (Number.isInteger(page) && page >= 1) f.page = page
  const size = Number(q.page_size)
  if (Number.isInteger(size) && size >= 1 && size <= 1000) f.page_size = size
  return f
}

/** Filters → the list's API query. An outcome without a policy filters nothing, so it is dropped. */
export function filtersToQuery(f: PoolFilters, paged = true): Query {
  const q: Query = {}
  for (const k of FILTER_KEYS) {
    const v = (f[k] || '').trim()
    if (v) q[k] = v
  }
  if (q.outcome && !q.policy) delete q.outcome
  if (f.sort && f.sort !== 'name') q.sort = f.sort
  if (paged) {
    q.page = f.page
    q.page_size = f.page_size
  }
  return q
}

/** The export's query: the same filters and sort, no paging, as xlsx. */
export function exportQuery(f: PoolFilters, lang: string): Query {
  return { ...filtersToQuery(f, false), sort: f.sort || 'name', format: 'xlsx', lang: lang.startsWith('en') ? 'en' : 'zh' }
}

/** Filters → the route query (strings, defaults left out), so a filtered list has a link. */
export function filtersToRoute(f: PoolFilters): Record<string, string> {
  const r: Record<string, string> = {}
  for (const [k, v] of Object.entries(filtersToQuery(f, false))) r[k] = String(v)
  if (f.page !== 1) r.page = String(f.page)
  if (f.page_size !== 50) r.page_size = String(f.page_size)
  return r
}

/** Element Plus sort-change → the API's sort (a leading - descends); no order → name. */
export function sortParam(prop: string | null, order: 'ascending' | 'descending' | null): string {
  if (!prop || !order) return 'name'
  return (order === 'descending' ? '-' : '') + prop
}

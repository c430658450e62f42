// Filters ↔ API query ↔ route query: the pool list and its export use the same filters and sort.
import { describe, expect, it } from 'vitest'
import { emptyFilters, exportQuery, filtersFromRoute, filtersToQuery, filtersToRoute, sortParam } from '../src/api/query'

describe('filters', () => {
  it('maps filled filters to the list query, paged', () => {
    const f = { ...emptyFilters(), region: '3205', park: '苏州工业园区', q: ' 示例 ', policy: 'srdi-sme@2026', outcome: 'met', sort: '-name', page: 3 }
    expect(filtersToQuery(f)).toEqual({ region: '3205', park: '苏州工业园区', q: '示例', policy: 'srdi-sme@2026', outcome: 'met', sort: '-name', page: 3, page_size: 50 })
  })
  it('drops an outcome without a policy', () => {
    expect(filtersToQuery({ ...emptyFilters(), outcome: 'met' }, false)).toEqual({})
  })
  it('exports exactly the list filters and sort, unpaged, as xlsx', () => {
    const f = { ...emptyFilters(), industry: 'C34', size_class: 'small', title: 'srdi-sme', sort: '-region', page: 4, page_size: 20 }
    const list = filtersToQuery(f, true)
    const exp = exportQuery(f, 'en')
    expect(exp).toEqual({ industry: 'C34', size_class: 'small', title: 'srdi-sme', sort: '-region', format: 'xlsx', lang: 'en' })
    for (const k of ['industry', 'size_class', 'title', 'sort']) expect(exp[k]).toBe(list[k])
    expect(exp.page).toBeUndefined()
    expect(exportQuery(emptyFilters(), 'zh-CN')).toEqual({ sort: 'name', format: 'xlsx', lang: 'zh' })
  })
  it('round-trips through the route query', () => {
    const f = { ...emptyFilters(), park: 'P', policy: 'tech-sme@2017', outcome: 'unknown', sort: '-uscc', page: 2, page_size: 100 }
    expect(filtersFromRoute(filtersToRoute(f))).toEqual(f)
    expect(filtersToRoute(emptyFilters())).toEqual({})
  })
  it('ignores bad route values', () => {
    const f = filtersFromRoute({ page: '0', page_size: '5000', sort: 'name;drop', region: ['a', 'b'], zzz: '1' })
    expect(f).toEqual(emptyFilters())
  })
  it('maps table sorting to the API sort', () => {
    expect(sortParam('park', 'descending')).toBe('-park')
    expect(sortParam('park', 'ascending')).toBe('park')
    expect(sortParam(null, null)).toBe('name')
  })
})

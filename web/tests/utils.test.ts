// The fact editor's PATCH body, the criterion tree and display helpers.
import { describe, expect, it } from 'vitest'
import { diffFacts, editModel, coerce } from '../src/utils/edit'
import { buildTree } from '../src/utils/tree'
import { loc, policyId, ladderIndex } from '../src/utils/format'
import { contentTypeOf, toCsv } from '../src/utils/files'

const firm = { uscc: 'X', name: 'A', version: 3, listed: false, digital_level: 4, park: 'P', years: { '2024': { revenue: 100, employees: 10 }, '2025': { revenue: 120 } }, titles: [] }

describe('editor', () => {
  it('sends nothing when nothing changed', () => {
    expect(diffFacts(firm, editModel(firm))).toEqual({})
  })
  it('sends only the changed fields, typed like the stored ones', () => {
    const m = editModel(firm)
    m.static.digital_level = '5'
    m.static.listed = true
    m.static.park = 'Q'
    m.years['2025'].revenue = '130.5'
    m.years['2025'].employees = '12'
    expect(diffFacts(firm, m)).toEqual({ digital_level: 5, listed: true, park: 'Q', years: { '2025': { revenue: 130.5, employees: 12 } } })
  })
  it('clears a value with null and keeps text that is not a number', () => {
    expect(coerce(100, '')).toBeNull()
    expect(coerce(100, 'abc')).toBe('abc')
    expect(coerce('P', '12')).toBe('12')
  })
})

describe('criterion tree', () => {
  const crit = [{ id: 'root' }, { id: 'elig' }, { id: 'elig.sme' }, { id: 'announce' }, { id: 'route.score' }, { id: 'direct.award' }]
  it('nests by the policy depths', () => {
    const t = buildTree(crit, { root: 0, elig: 1, 'elig.sme': 2, announce: 1, 'route.score': 2, 'direct.award': 3 })
    expect(t.map((n) => n.id)).toEqual(['root'])
    expect(t[0].children.map((n) => n.id)).toEqual(['elig', 'announce'])
    expect(t[0].children[1].children[0].children[0].id).toBe('direct.award')
  })
  it('falls back to dotted ids under the root', () => {
    const t = buildTree(crit)
    expect(t[0].children.map((n) => n.id)).toEqual(['elig', 'announce', 'route.score', 'direct.award'])
    expect(t[0].children[0].children[0].id).toBe('elig.sme')
  })
})

describe('format and files', () => {
  it('picks the label of the language', () => {
    expect(loc({ zh: '中', en: 'en' }, 'en')).toBe('en')
    expect(loc({ zh: '中', en: 'en' }, 'zh-CN')).toBe('中')
    expect(loc('plain', 'en')).toBe('plain')
  })
  it('orders the ladder', () => {
    expect(policyId('srdi-sme@2026')).toBe('srdi-sme')
    expect(ladderIndex('tech-sme@2017')).toBeLessThan(ladderIndex('little-giant@2026'))
  })
  it('types import files by name and quotes CSV', () => {
    expect(contentTypeOf('a.XLSX')).toContain('spreadsheetml')
    expect(contentTypeOf('a.json')).toBe('application/json')
    expect(contentTypeOf('a.csv')).toBe('text/csv')
    expect(toCsv(['a', 'b'], [['x,y', 'q"z']])).toBe('\ufeffa,b\r\n"x,y","q""z"\r\n')
  })
})

// i18n completeness: every key in zh exists in en and the other way round, no message is empty,
// and every message compiles and renders (vue-i18n syntax: '@' and '|' must be escaped).
import { describe, expect, it, vi } from 'vitest'
import { createI18n } from 'vue-i18n'
import zh from '../src/i18n/zh'
import en from '../src/i18n/en'

function flatten(o: Record<string, any>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? prefix + '.' + k : k
    if (v && typeof v === 'object') Object.assign(out, flatten(v, key))
    else out[key] = v
  }
  return out
}

const fz = flatten(zh)
const fe = flatten(en)

describe('i18n', () => {
  it('has every zh key in en', () => {
    expect(Object.keys(fz).filter((k) => !(k in fe))).toEqual([])
  })
  it('has every en key in zh', () => {
    expect(Object.keys(fe).filter((k) => !(k in fz))).toEqual([])
  })
  it('has no empty message', () => {
    expect(Object.entries({ ...fz, ...fe }).filter(([, v]) => typeof v !== 'string' || !v.trim())).toEqual([])
  })
  it('uses the same placeholders in both languages', () => {
    const ph = (s: string) => (s.match(/\{[a-z]+\}/g) || []).sort().join(',')
    expect(Object.keys(fz).filter((k) => k in fe && ph(fz[k]) !== ph(fe[k]))).toEqual([])
  })
  it('compiles and renders every message in both languages', () => {
    const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh, en } })
    const bad: string[] = []
    // Outside production vue-i18n reports a message that does not compile on the console (and
    // renders something anyway); in the built app it throws. Both count as failures here.
    const record = (...a: unknown[]) => {
      bad.push('console: ' + a.map(String).join(' '))
    }
    const warn = vi.spyOn(console, 'warn').mockImplementation(record)
    const error = vi.spyOn(console, 'error').mockImplementation(record)
    for (const lang of ['zh-CN', 'en'] as const) {
      ;(i18n.global.locale as any).value = lang
      for (const k of Object.keys(fz)) {
        try {
          const s = i18n.global.t(k, { n: 1, name: 'x', b: 1, v: 1, d: '2026-01-01', tier: 'x', entries: 1, batches: 1, problem: 'x' })
          if (s === k) bad.push(lang + ':' + k)
        } catch (e) {
          bad.push(lang + ':' + k + ': ' + (e as Error).message)
        }
      }
    }
    warn.mockRestore()
    error.mockRestore()
    expect(bad).toEqual([])
  })
})

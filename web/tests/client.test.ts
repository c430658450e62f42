// The API client: CSRF token on changes only, Accept-Language, If-Match on edits, ETag read back,
// problems (application/problem+json) turned into Problem with code, detail and errors.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api, getWithEtag, patchIfMatch, Problem, request, setCsrf, setLang, url, dispositionName, onUnauthenticated } from '../src/api/client'

interface Call { url: string; init: RequestInit }
let calls: Call[] = []
let answers: Response[] = []

beforeEach(() => {
  calls = []
  answers = []
  vi.stubGlobal('fetch', async (u: string, init: RequestInit) => {
    calls.push({ url: u, init })
    return answers.shift() || new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } })
  })
  setCsrf('tok123')
  setLang('zh-CN')
})
afterEach(() => {
  vi.unstubAllGlobals()
  onUnauthenticated(null)
})
const hdr = (c: Call) => c.init.headers as Record<string, string>

describe('client', () => {
  it('sends the CSRF token on POST, PATCH and DELETE but not on GET', async () => {
    await api.get('/enterprises')
    await api.post('/imports', {})
    await api.patch('/users/li', { disabled: true })
    await api.del('/session')
    expect(hdr(calls[0])['X-CSRF-Token']).toBeUndefined()
    expect(hdr(calls[1])['X-CSRF-Token']).toBe('tok123')
    expect(hdr(calls[2])['X-CSRF-Token']).toBe('tok123')
    expect(hdr(calls[3])['X-CSRF-Token']).toBe('tok123')
    expect(calls.every((c) => c.init.credentials === 'same-origin')).toBe(true)
  })
  it('sends Accept-Language of the UI language', async () => {
    await api.get('/stats')
    setLang('en')
    await api.get('/stats')
    expect(hdr(calls[0])['Accept-Language']).toBe('zh-CN')
    expect(hdr(calls[1])['Accept-Language']).toBe('en')
  })
  it('reads the ETag and sends it back as If-Match', async () => {
    answers.push(new Response('{"uscc":"X","version":17}', { status: 200, headers: { ETag: '"17"', 'Content-Type': 'application/json' } }))
    const a = await getWithEtag('/enterprises/X')
    expect(a.etag).toBe('"17"')
    answers.push(new Response('{"uscc":"X","version":18}', { status: 200, headers: { ETag: '"18"' } }))
    const b = await patchIfMatch('/enterprises/X', { years: { 2024: { revenue: 1 } } }, a.etag!)
    expect(hdr(calls[1])['If-Match']).toBe('"17"')
    expect(hdr(calls[1])['Content-Type']).toBe('application/json')
    expect(calls[1].init.method).toBe('PATCH')
    expect(JSON.parse(String(calls[1].init.body))).toEqual({ years: { 2024: { revenue: 1 } } })
    expect(b.etag).toBe('"18"')
  })
  it('turns a 412 problem into Problem with its code and detail', async () => {
    answers.push(
      new Response(JSON.stringify({ type: 't', title: 'x', status: 412, code: 'precondition_failed', detail: '已被他人修改' }), {
        status: 412,
        headers: { 'Content-Type': 'application/problem+json' },
      }),
    )
    const err = await patchIfMatch('/enterprises/X', {}, '"1"').catch((e) => e)
    expect(err).toBeInstanceOf(Problem)
    expect(err.status).toBe(412)
    expect(err.code).toBe('precondition_failed')
    expect(err.detail).toBe('已被他人修改')
  })
  it('keeps the errors of an import problem', async () => {
    const errors = [{ file: 'f.csv', row: 2, column: '营业收入（万元）', value: 'abc', reason: '不是数字' }]
    answers.push(new Response(JSON.stringify({ code: 'import_failed', status: 422, detail: 'd', errors }), { status: 422 }))
    const err = await request('POST', '/imports', { raw: { data: 'a,b', type: 'text/csv' } }).catch((e) => e)
    expect(hdr(calls[0])['Content-Type']).toBe('text/csv')
    expect(err.errors).toEqual(errors)
  })
  it('gives a Problem for an answer that is not a problem', async () => {
    answers.push(new Response('<html>', { status: 502, statusText: 'Bad Gateway' }))
    const err = await api.get('/stats').catch((e) => e)
    expect(err).toBeInstanceOf(Problem)
    expect(err.status).toBe(502)
  })
  it('calls the unauthenticated hook on 401 unauthenticated', async () => {
    const hook = vi.fn()
    onUnauthenticated(hook)
    answers.push(new Response(JSON.stringify({ code: 'unauthenticated', status: 401, detail: 'd' }), { status: 401 }))
    await api.get('/stats').catch(() => undefined)
    expect(hook).toHaveBeenCalledOnce()
  })
  it('builds URLs under /api/v1 leaving out empty values', () => {
    expect(url('/enterprises', { q: '示例', park: '', region: undefined, page: 2 })).toBe('/api/v1/enterprises?q=%E7%A4%BA%E4%BE%8B&page=2')
    expect(url('/stats')).toBe('/api/v1/stats')
  })
  it('reads a download name from Content-Disposition', () => {
    expect(dispositionName("attachment; filename=\"a.xlsx\"; filename*=UTF-8''%E4%BC%81%E4%B8%9A.xlsx", 'x')).toBe('企业.xlsx')
    expect(dispositionName('attachment; filename="gradus.xlsx"', 'x')).toBe('gradus.xlsx')
    expect(dispositionName(null, 'x')).toBe('x')
  })
})

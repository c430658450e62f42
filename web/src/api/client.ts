// The gradus API client: same-origin fetch under /api/v1 with the session cookie, the CSRF token
// on every change, Accept-Language from the UI language, ETag/If-Match for edits, and errors
// turned into Problem (application/problem+json: code, detail, errors[]).

export interface ProblemItem {
  field?: string
  file?: string
  row?: number
  column?: string
  value?: string
  uscc?: string
  reason: string
}

export class Problem extends Error {
  status: number
  code: string
  detail: string
  errors: ProblemItem[]
  constructor(status: number, code: string, detail: string, errors: ProblemItem[] = []) {
    super(detail || code)
    this.status = status
    this.code = code
    this.detail = detail
    this.errors = errors
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>

export const BASE = '/api/v1'

const state = { csrf: '', lang: 'zh-CN' as string, onUnauthenticated: null as null | (() => void) }

export function setCsrf(token: string) {
  state.csrf = token || ''
}
export function getCsrf() {
  return state.csrf
}
/** The UI language ('zh-CN' or 'en'), sent as Accept-Language. */
export function setLang(lang: string) {
  state.lang = lang
}
export function getLang() {
  return state.lang
}
export function onUnauthenticated(fn: (() => void) | null) {
  state.onUnauthenticated = fn
}

/** '/enterprises' + {a: 1, b: ''} → '/api/v1/enterprises?a=1' (empty values left out). */
export function url(path: string, query?: Query): string {
  const qs = new URLSearchParams()
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue
      qs.append(k, String(v))
    }
  }
  const s = qs.toString()
  return BASE + path + (s ? '?' + s : '')
}

export interface RequestOptions {
  query?: Query
  body?: unknown
  /** A raw body (a file) with its content type. */
  raw?: { data: BodyInit; type: string }
  ifMatch?: string
  headers?: Record<string, string>
}

export interface Answer<T> {
  data: T
  status: number
  etag: string | null
  headers: Headers
}

const CHANGES = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])

export function buildHeaders(method: string, opts: RequestOptions = {}): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json', 'Accept-Language': state.lang }
  if (CHANGES.has(method) && state.csrf) h['X-CSRF-Token'] = state.csrf
  if (opts.body !== undefined) h['Content-Type'] = 'application/json'
  if (opts.raw) h['Content-Type'] = opts.raw.type
  if (opts.ifMatch) h['If-Match'] = opts.ifMatch
  return { ...h, ...(opts.headers || {}) }
}

export async function toProblem(res: Response): Promise<Problem> {
  let body: any = null
  try {
    body = await res.json()
  } catch {
    body = null
  }
  if (body && typeof body === 'object' && body.code) {
    return new Problem(res.status, body.code, body.detail || body.title || body.code, body.errors || [])
  }
  return new Problem(res.status, 'http_' + res.status, res.statusText || 'HTTP ' + res.status)
}

async function send(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  const init: RequestInit = {
    method,
    credentials: 'same-origin',
    headers: buildHeaders(method, opts),
  }
  if (opts.body !== undefined) init.body = JSON.stringify(opts.body)
  if (opts.raw) init.body = opts.raw.data
  const res = await fetch(url(path, opts.query), init)
  if (!res.ok) {
    const p = await toProblem(res)
    if (p.status === 401 && p.code === 'unauthenticated' && state.onUnauthenticated) state.onUnauthenticated()
    throw p
  }
  return res
}

export async function request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<Answer<T>> {
  const res = await send(method, path, opts)
  let data: any = null
  if (res.status !== 204) {
    const text = await res.text()
    data = text ? JSON.parse(text) : null
  }
  return { data: data as T, status: res.status, etag: res.headers.get('ETag'), headers: res.headers }
}

export const api = {
  get: <T = any>(path: string, query?: Query) => request<T>('GET', path, { query }).then((a) => a.data),
  post: <T = any>(path: string, body?: unknown, query?: Query) =>
    request<T>('POST', path, { body: body === undefined ? {} : body, query }).then((a) => a.data),
  patch: <T = any>(path: string, body: unknown) => request<T>('PATCH', path, { body }).then((a) => a.data),
  del: (path: string) => request('DELETE', path).then(() => undefined),
}

/** GET with its ETag, for a later edit. */
export function getWithEtag<T = any>(path: string, query?: Query) {
  return request<T>('GET', path, { query })
}

/** PATCH with If-Match; a stale ETag throws Problem 412 precondition_failed. */
export function patchIfMatch<T = any>(path: string, body: unknown, etag: string) {
  return request<T>('PATCH', path, { body, ifMatch: etag })
}

/** The file name of a Content-Disposition header (filename*=UTF-8'' first). */
export function dispositionName(header: string | null, fallback: string): string {
  if (!header) return fallback
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(header)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
    } catch {
      /* fall through */
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header)
  return plain ? plain[1] : fallback
}

/** Downloads a file answer (export, template) through fetch so that errors show as problems. */
export async function download(path: string, query: Query, fallback: string): Promise<string> {
  const res = await send('GET', path, { query })
  const blob = await res.blob()
  const name = dispositionName(res.headers.get('Content-Disposition'), fallback)
  const href = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = href
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(href), 10000)
  return name
}

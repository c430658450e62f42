// Browser tests of the gradus web UI: a real `gradus serve --web-root dist` on a temporary SQLite
// store with 200 demo firms, driven by playwright-core through Debian's chromium (headless).
// Logs in as admin, as a park official and as a firm user; checks the dashboard, the official's
// scope in the pool, the assessment tree, an edit (and a stale edit's 412), a what-if, an import
// (a file with errors, then a dry run that passes), the Excel export, the zh/en switch and that a
// firm user cannot open another firm; saves screenshots in e2e/screenshots/. Fails on any page
// error or console error other than the failed-resource lines of answers it provokes on purpose.
//
//   GRADUS_BIN=/path/to/gradus npm run test:e2e     (CHROMIUM=/usr/bin/chromium by default)
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, readFileSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import net from 'node:net'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
const webDir = join(here, '..')
const dist = join(webDir, 'dist')
// Screenshots go to $GRADUS_SCREENSHOTS when set (docs/screenshots for the README), else to
// e2e/screenshots/ (ignored by git).
const shots = process.env.GRADUS_SCREENSHOTS ? resolve(process.env.GRADUS_SCREENSHOTS) : join(here, 'screenshots')
const BIN = process.env.GRADUS_BIN
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
if (!BIN || !existsSync(BIN)) fail('set GRADUS_BIN to the gradus binary (got ' + BIN + ')')
if (!existsSync(join(dist, 'index.html'))) fail('web/dist is missing: run npm run build first')
if (!existsSync(CHROMIUM)) fail('no chromium at ' + CHROMIUM + ' (apt-get install chromium, or set CHROMIUM)')
mkdirSync(shots, { recursive: true })

let passed = 0
let current = null // the page of the running check, for a screenshot when it fails
let failed = 0
const results = []
function fail(msg) {
  console.error('e2e: ' + msg)
  process.exit(1)
}
async function check(name, fn) {
  const t0 = Date.now()
  try {
    await fn()
    passed++
    results.push(`ok   ${name} (${Date.now() - t0} ms)`)
    console.log(`ok   ${name} (${Date.now() - t0} ms)`)
  } catch (e) {
    failed++
    results.push(`FAIL ${name}: ${e && e.message ? e.message.split('\n')[0] : e}`)
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`)
    if (current) await current.screenshot({ path: join(shots, 'fail-' + failed + '.png') }).catch(() => {})
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg)
}

function freePort() {
  // The ports 8094–8099 (8091–8093 are for development servers); the first one free.
  const tryPort = (p) =>
    new Promise((res) => {
      const s = net.createServer()
      s.once('error', () => res(false))
      s.listen(p, '127.0.0.1', () => s.close(() => res(true)))
    })
  return (async () => {
    for (let p = 8094; p <= 8099; p++) if (await tryPort(p)) return p
    fail('no free port in 8094–8099')
  })()
}

const work = mkdtempSync(join(tmpdir(), 'gradus-e2e-'))
const db = 'sqlite:' + join(work, 't.db')
const run = (args, input) => execFileSync(BIN, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })
const initOut = run(['init', '--db', db]).trim().split('\n')
const adminPassword = initOut[initOut.length - 1].trim()
run(['demo', '--enterprises', '200', '--db', db])
// Reviewers of the innovative-sme workflow's two levels (city, then province), made like an operator does.
const revPw = 'e2e-reviewer-123'
run(['user', 'add', 'rev-city', '--role', 'reviewer', '--level', 'city', '--password-stdin', '--db', db], revPw + '\n')
run(['user', 'add', 'rev-prov', '--role', 'reviewer', '--level', 'province', '--password-stdin', '--db', db], revPw + '\n')

const port = await freePort()
const base = `http://127.0.0.1:${port}`
// The workflow's dates on a test clock inside the years data/cn_public_holidays.csv covers, so that
// a notice (counted in working days) does not depend on the day the tests run.
const WORKFLOW_TODAY = '2026-09-28'
const server = spawn(
  BIN,
  ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web-root', dist, '--no-access-log', '--today', WORKFLOW_TODAY],
  { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GRADUS_ALLOW_TEST_CLOCK: '1' } },
)
let serverErr = ''
server.stderr.on('data', (d) => (serverErr += d))
const stopServer = () => {
  if (server.exitCode === null) server.kill('SIGTERM')
}
process.on('exit', stopServer)
for (let i = 0; ; i++) {
  try {
    const r = await fetch(base + '/healthz')
    if (r.ok) break
  } catch {
    /* not yet */
  }
  if (i > 100 || server.exitCode !== null) fail('gradus serve did not start: ' + serverErr)
  await new Promise((r) => setTimeout(r, 100))
}

// An API session of the admin, for set-up and for the concurrent edit.
async function apiSession(username, password) {
  const r = await fetch(base + '/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) })
  assert(r.ok, 'API login ' + r.status)
  const cookie = r.headers.get('set-cookie').split(';')[0]
  const { csrf_token } = await r.json()
  return {
    async call(method, path, body, headers = {}, raw) {
      const res = await fetch(base + '/api/v1' + path, {
        method,
        headers: { Cookie: cookie, 'X-CSRF-Token': csrf_token, ...(raw ? { 'Content-Type': 'application/octet-stream' } : body ? { 'Content-Type': 'application/json' } : {}), ...headers },
        body: raw ? raw : body ? JSON.stringify(body) : undefined,
      })
      const text = await res.text()
      return { status: res.status, headers: res.headers, data: text ? JSON.parse(text) : null }
    },
  }
}
const admin = await apiSession('admin', adminPassword)
const all = (await admin.call('GET', '/enterprises?page_size=1000')).data.items
const parkCounts = {}
for (const e of all) if (e.park) parkCounts[e.park] = (parkCounts[e.park] || 0) + 1
const park = Object.entries(parkCounts).sort((a, b) => b[1] - a[1])[0][0]
const parkFirms = all.filter((e) => e.park === park)
const holder = (await admin.call('GET', '/enterprises?title=srdi-sme&page_size=1')).data.items[0] || all[0]
const firm = parkFirms[0]
const other = all.find((e) => e.uscc !== firm.uscc)
const pw = 'e2e-password-123'
assert((await admin.call('POST', '/users', { name: 'li', role: 'official', parks: [park], password: pw })).status === 201, 'add official')
// The workflow's firms: no title held, none of them edited by the checks above.
const wfFirms = all.filter((e) => !(e.titles_held || []).length && e.uscc !== firm.uscc && e.uscc !== holder.uscc)
const wfFirm = wfFirms[0]
const wfFirm2 = wfFirms[1]
assert((await admin.call('POST', '/users', { name: 'firm2', role: 'enterprise', uscc: wfFirm.uscc, password: pw })).status === 201, 'add workflow firm user')
assert((await admin.call('POST', '/users', { name: 'firm1', role: 'enterprise', uscc: firm.uscc, password: pw })).status === 201, 'add firm user')

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] })
const consoleErrors = []
async function newPage(who) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true, locale: 'zh-CN' })
  ctx.setDefaultTimeout(10000)
  const page = await ctx.newPage()
  current = page
  page.on('pageerror', (e) => consoleErrors.push(`${who}: page error: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    // Answers provoked on purpose (401 before login, 404 of another firm, 409 notice closed early, 412, 422 import) are
    // logged by Chromium as failed resources; they are checked on the page instead.
    if (/Failed to load resource: the server responded with a status of (401|404|409|412|422)/.test(m.text())) return
    consoleErrors.push(`${who}: console: ${m.text()}`)
  })
  return page
}
async function login(page, username, password) {
  await page.goto(base + '/login')
  await page.fill('input[data-test=username]', username)
  await page.fill('input[data-test=password]', password)
  await page.click('[data-test=login-submit]')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}
async function shot(page, name) {
  // At the top, so that the sticky menu and top bar are where they belong in a full-page picture.
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.waitForTimeout(200)
  await page.screenshot({ path: join(shots, name + '.png'), fullPage: true })
}

// ---------------------------------------------------------------- admin
const page = await newPage('admin')
await check('login page rejects a wrong password with the problem detail', async () => {
  await page.goto(base + '/login')
  await page.fill('input[data-test=username]', 'admin')
  await page.fill('input[data-test=password]', 'wrong-password')
  await page.click('[data-test=login-submit]')
  await page.waitForSelector('[data-test=login-error]')
  const text = await page.textContent('[data-test=login-error]')
  assert(text && text.trim().length > 0, 'empty login error')
})
await check('admin logs in and lands on the dashboard; the charts draw', async () => {
  const t0 = Date.now()
  await login(page, 'admin', adminPassword)
  assert(new URL(page.url()).pathname === '/dashboard', 'landed on ' + page.url())
  await page.waitForSelector('[data-test=chart-pyramid][data-drawn="1"]', { timeout: 15000 })
  await page.waitForSelector('[data-test=potential-top] .el-table__row')
  console.log(`     dashboard drawn ${Date.now() - t0} ms after submitting the login`)
  assert((await page.textContent('[data-test=role]')).includes('管理员'), 'role tag')
  await page.waitForTimeout(600)
  await shot(page, 'dashboard')
})
await check('a number on the dashboard opens the pool filtered by it', async () => {
  await page.click('[data-test=outcome-table] .el-table__row:nth-child(1) td:nth-child(2) .num-link')
  await page.waitForURL(/\/pool\?/)
  const u = new URL(page.url())
  assert(u.searchParams.get('policy') && u.searchParams.get('outcome') === 'met', 'query ' + u.search)
  await page.waitForSelector('[data-test=pool-table]')
})
await check('the pool lists the firms; the Excel export downloads the same list', async () => {
  await page.goto(base + '/pool')
  await page.waitForSelector('[data-test=pool-table] .el-table__row')
  const totalText = await page.textContent('[data-test=pager] .el-pagination__total')
  assert(totalText.includes('200'), 'total ' + totalText)
  await shot(page, 'pool')
  await page.fill('input[data-test=f-park]', park)
  await page.click('[data-test=f-apply]')
  await page.waitForURL((u) => u.searchParams.get('park') === park)
  await page.waitForFunction((n) => document.querySelector('[data-test=pager] .el-pagination__total')?.textContent?.includes(String(n)), parkFirms.length)
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export]')])
  const file = join(work, 'export.xlsx')
  await download.saveAs(file)
  const bytes = readFileSync(file)
  assert(bytes.length > 1000 && bytes[0] === 0x50 && bytes[1] === 0x4b, 'not an xlsx: ' + bytes.length + ' bytes')
})
await check('the enterprise page shows the assessment tree with citations', async () => {
  const t0 = Date.now()
  await page.goto(base + '/enterprises/' + holder.uscc)
  await page.waitForSelector('[data-test=assessments] .el-collapse-item')
  console.log(`     enterprise page ${Date.now() - t0} ms`)
  // The first tier is open; open the second one too.
  await page.locator('[data-test=assessments] > .el-collapse-item > .el-collapse-item__header').nth(1).click()
  await page.locator('.el-collapse-item.is-active [data-test=criterion-tree] .cite').first().waitFor()
  const nodes = await page.locator('.el-collapse-item.is-active [data-test=criterion-tree] .el-tree-node').count()
  assert(nodes > 3, 'tree nodes ' + nodes)
  await page.waitForTimeout(400)
  await shot(page, 'enterprise')
})
await check('an edit saves with If-Match; a stale one shows "changed by someone else"', async () => {
  await page.click('#tab-facts')
  await page.click('[data-test=edit]')
  const year = Object.keys((await admin.call('GET', '/enterprises/' + holder.uscc)).data.years).sort().pop()
  const field = `input[data-test="e-rd_expense@${year}"]`
  await page.fill(field, '777.5')
  await page.click('[data-test=save]')
  await page.waitForSelector('.el-message--success')
  const after = await admin.call('GET', '/enterprises/' + holder.uscc)
  assert(after.data.years[year].rd_expense === 777.5, 'not stored: ' + after.data.years[year].rd_expense)
  // Someone else edits while the dialog is open.
  await page.click('[data-test=edit]')
  await page.fill(field, '778.5')
  const r = await admin.call('PATCH', '/enterprises/' + holder.uscc, { years: { [year]: { rd_expense: 800 } } }, { 'If-Match': after.headers.get('etag') })
  assert(r.status === 200, 'background edit ' + r.status)
  await page.click('[data-test=save]')
  await page.waitForSelector('[data-test=stale]')
  await page.keyboard.press('Escape')
})
await check('the what-if panel updates the outcomes', async () => {
  await page.goto(base + '/enterprises/' + holder.uscc)
  await page.click('#tab-whatif')
  await page.click('[data-test=wi-key-0]')
  await page.keyboard.type('leading_product_share')
  await page.locator('.el-select-dropdown__item:visible', { hasText: /^leading_product_share$/ }).first().click()
  await page.fill('input[data-test=wi-value-0]', '80')
  await page.waitForSelector('[data-test=whatif-results] .el-table__row', { timeout: 10000 })
  await shot(page, 'whatif')
})
await check('gaps, path and history tabs load; a field opens its own history', async () => {
  await page.click('#tab-gaps')
  await page.waitForSelector('[data-test=gap]')
  await page.click('#tab-path')
  await page.waitForSelector('[data-test=path] .el-timeline-item')
  await page.click('#tab-history')
  await page.waitForSelector('[data-test=history] .el-table__row')
  // A fact's name opens the history of that field: the edit above is in it, by admin.
  await page.click('#tab-facts')
  await page.locator('[data-test=yearly] .num-link', { hasText: /^rd_expense$/ }).click()
  await page.waitForSelector('[data-test=history] .el-table__row')
  const rows = await page.$$eval('[data-test=history] .el-table__body tr', (trs) => trs.map((tr) => tr.textContent))
  assert(rows.length > 0 && rows.every((r) => r.includes('rd_expense')), 'history not filtered: ' + rows.slice(0, 3))
  assert(rows.some((r) => r.includes('777.5') && r.includes('admin')), 'the edit is not in the history')
})
await check('an import with an error shows the report row; a correct file passes the dry run', async () => {
  await page.goto(base + '/import')
  const bad = join(work, 'bad.csv')
  const good = join(work, 'good.csv')
  const head = '统一社会信用代码,企业名称,年度,营业收入（万元）\n'
  writeFileSync(bad, head + `${firm.uscc},${firm.name},2025,abc\n`)
  writeFileSync(good, head + `${firm.uscc},${firm.name},2025,12345\n`)
  await page.setInputFiles('[data-test=file]', bad)
  await page.click('[data-test=dry-run]')
  await page.waitForSelector('[data-test=import-errors] .el-table__row')
  const row = await page.textContent('[data-test=import-errors] .el-table__row')
  assert(row.includes('abc') && row.includes('营业收入'), 'error row: ' + row)
  await shot(page, 'import-errors')
  await page.setInputFiles('[data-test=file]', good)
  await page.click('[data-test=dry-run]')
  await page.waitForSelector('[data-test=import-report]')
  assert(await page.isEnabled('[data-test=do-import]'), 'import button stays disabled after a dry run')
  await shot(page, 'import')
  await page.click('[data-test=do-import]')
  await page.waitForSelector('.el-message--success')
  const stored = await admin.call('GET', '/enterprises/' + firm.uscc)
  assert(stored.data.years['2025'].revenue === 12345, 'import not stored')
})
await check('the import template downloads', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=template]')])
  const file = join(work, 'template.xlsx')
  await download.saveAs(file)
  assert(readFileSync(file).length > 1000, 'template too small')
})
await check('potential, policy diff, policies, users and audit pages', async () => {
  await page.goto(base + '/potential')
  await page.waitForSelector('[data-test=pot-table] .el-table__row')
  await shot(page, 'potential')
  await page.goto(base + '/policy-diff')
  await page.waitForSelector('[data-test=transitions] .el-table__row')
  await shot(page, 'policy-diff')
  await page.goto(base + '/policies')
  await page.click('[data-test=policy-list] .el-table__row')
  await page.waitForSelector('[data-test=policy-criterion]')
  await shot(page, 'policies')
  await page.goto(base + '/admin/users')
  await page.waitForSelector('[data-test=user-table] .el-table__row')
  await page.click('[data-test=tokens-li]')
  await page.fill('input[data-test=tok-label]', 'e2e')
  await page.click('[data-test=tok-new]')
  await page.waitForSelector('[data-test=token-secret]')
  assert((await page.textContent('[data-test=token-secret]')).includes('gradus_'), 'token not shown')
  await page.keyboard.press('Escape')
  await page.goto(base + '/admin/audit')
  await page.click('[data-test=verify]')
  await page.waitForSelector('[data-test=verdict].el-alert--success')
})
await check('the language switch turns the UI and the API answers to English', async () => {
  await page.goto(base + '/pool')
  await page.waitForSelector('[data-test=menu-pool]')
  assert((await page.textContent('[data-test=menu-pool]')).includes('企业库'), 'zh menu')
  await page.click('[data-test=lang]')
  await page.click('.el-select-dropdown__item:has-text("English")')
  await page.waitForFunction(() => document.querySelector('[data-test=menu-pool]')?.textContent?.includes('Enterprise pool'))
  await page.goto(base + '/dashboard')
  await page.waitForSelector('[data-test=chart-pyramid][data-drawn="1"]')
  await page.waitForTimeout(400)
  await shot(page, 'dashboard-en')
  await page.goto(base + '/pool')
  await page.waitForSelector('[data-test=pool-table] .el-table__row')
  await shot(page, 'pool-en')
  await page.goto(base + '/enterprises/' + holder.uscc)
  await page.locator('.el-collapse-item.is-active [data-test=criterion-tree] .node').first().waitFor()
  await shot(page, 'enterprise-en')
  const txt = await page.textContent('[data-test=assessments]')
  assert(/met|not met/.test(txt), 'English outcomes missing')
  await page.click('[data-test=lang]')
  await page.click('.el-select-dropdown__item:has-text("中文")')
  await page.waitForFunction(() => document.querySelector('[data-test=menu-pool]')?.textContent?.includes('企业库'))
})
await page.context().close()

// ---------------------------------------------------------------- official
await check('a park official sees only the firms of its park', async () => {
  const p = await newPage('official')
  await login(p, 'li', pw)
  assert(new URL(p.url()).pathname === '/dashboard', 'landed on ' + p.url())
  await p.waitForSelector('[data-test=chart-pyramid][data-drawn="1"]')
  await p.goto(base + '/pool?page_size=200')
  await p.waitForSelector('[data-test=pool-table] .el-table__row')
  const total = await p.textContent('[data-test=pager] .el-pagination__total')
  assert(total.includes(String(parkFirms.length)), `total ${total}, expected ${parkFirms.length}`)
  const parks = await p.$$eval('[data-test=pool-table] .el-table__body tr td:nth-child(4)', (tds) => tds.map((td) => td.textContent.trim()))
  assert(parks.length === parkFirms.length && parks.every((x) => x === park), 'parks ' + JSON.stringify(parks.slice(0, 5)))
  assert((await p.textContent('[data-test=scope]')).includes(park), 'scope not shown')
  await shot(p, 'official-pool')
  assert((await p.locator('[data-test=menu-users]').count()) === 0, 'official sees the admin menu')
  await p.context().close()
})

// ---------------------------------------------------------------- firm user
await check('a firm user lands on its own page and cannot open another firm', async () => {
  const p = await newPage('firm')
  await login(p, 'firm1', pw)
  assert(decodeURIComponent(new URL(p.url()).pathname) === '/enterprises/' + firm.uscc, 'landed on ' + p.url())
  await p.waitForSelector('[data-test=assessments] .el-collapse-item')
  assert((await p.locator('[data-test=menu-pool]').count()) === 0, 'firm user sees the pool menu')
  await shot(p, 'firm')
  await p.goto(base + '/enterprises/' + other.uscc)
  await p.waitForSelector('[data-test=problem]')
  await p.goto(base + '/pool')
  await p.waitForURL((u) => u.pathname.startsWith('/enterprises/'))
  await p.context().close()
})

// ---------------------------------------------------------------- workflow
let wfAppId = null
const reason = '缺少研发费用专项审计报告，请补充后重新提交'
await check('a firm user applies, uploads a PDF and submits with the declaration', async () => {
  const p = await newPage('firm2')
  await login(p, 'firm2', pw)
  await p.click('[data-test=menu-myApplications]')
  await p.waitForURL(/\/applications$/)
  await p.click('[data-test=apply]')
  assert((await p.inputValue('input[data-test=apply-uscc]')) === wfFirm.uscc, 'the firm is not preset')
  await p.click('[data-test=apply-submit]')
  await p.waitForSelector('[data-test=apply-result]')
  const res = await p.textContent('[data-test=apply-result]')
  assert(res.includes('innovative-sme@') && /符合|不符合|缺数据|待评审/.test(await p.textContent('[data-test=frozen-outcome]')), 'frozen outcome: ' + res)
  await p.click('[data-test=apply-open]')
  await p.waitForURL(/\/applications\/\d+$/)
  wfAppId = Number(new URL(p.url()).pathname.split('/').pop())
  assert((await p.getAttribute('[data-test=app-status]', 'data-status')) === 'draft', 'not a draft')
  const pdf = join(work, '研发费用说明.pdf')
  writeFileSync(pdf, '%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n')
  await p.setInputFiles('[data-test=evidence-file]', pdf)
  await p.waitForSelector('[data-test=evidence-1]')
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('[data-test=evidence-1]')])
  const back = join(work, 'back.pdf')
  await download.saveAs(back)
  assert(readFileSync(back, 'latin1').startsWith('%PDF-'), 'the evidence downloaded differs')
  assert(!(await p.isEnabled('[data-test=submit]')), 'submit enabled without the declaration')
  await p.click('[data-test=declaration]')
  await p.click('[data-test=submit]')
  await p.waitForSelector('[data-test=app-status][data-status=in_review]')
  assert((await p.locator('[data-test=act-approve]').count()) === 0, 'a firm sees the approve button')
  await p.waitForSelector('[data-test=timeline]')
  await shot(p, 'application-firm')
  await p.context().close()
})
await check('a city reviewer sees it in its queue and returns it with a reason', async () => {
  assert(wfAppId, 'no application')
  const p = await newPage('reviewer')
  await login(p, 'rev-city', revPw)
  await p.click('[data-test=menu-queue]')
  await p.waitForSelector(`[data-test=open-${wfAppId}]`)
  await shot(p, 'review-queue')
  await p.click(`[data-test=open-${wfAppId}]`)
  await p.waitForSelector('[data-test=act-return]')
  assert((await p.locator('[data-test=act-approve]').count()) === 1 && (await p.locator('[data-test=act-reject]').count()) === 1, 'review buttons')
  assert((await p.locator('[data-test=submit]').count()) === 0, 'a reviewer sees submit')
  await p.click('[data-test=act-return]')
  await p.waitForSelector('[data-test=action-send]')
  assert(!(await p.isEnabled('[data-test=action-send]')), 'return allowed without a reason')
  await p.fill('textarea[data-test=reason]', reason)
  await p.click('[data-test=action-send]')
  await p.waitForSelector('[data-test=app-status][data-status=returned]')
  assert((await p.textContent('[data-test=timeline]')).includes(reason), 'the reason is not in the timeline')
  assert((await p.locator('[data-test=act-return]').count()) === 0, 'buttons stay after the return')
  const stored = await admin.call('GET', '/applications/' + wfAppId)
  assert(stored.data.status === 'returned' && stored.data.timeline.some((a) => a.reason === reason), 'not stored')
  // The province reviewer has nothing of it in its queue.
  const prov = await apiSession('rev-prov', revPw)
  assert(!(await prov.call('GET', '/applications?queue=true')).data.items.some((a) => a.id === wfAppId), 'in the province queue')
  await p.context().close()
})
await check('the admin publishes an approved application; objections; closing early is refused', async () => {
  // An application approved at both levels, through the API.
  const a = await admin.call('POST', '/applications', { uscc: wfFirm2.uscc, policy: 'innovative-sme', mode: 'application' })
  assert(a.status === 201, 'apply ' + a.status + ' ' + JSON.stringify(a.data))
  const id = a.data.id
  assert((await admin.call('POST', `/applications/${id}/evidence?name=a.pdf`, null, {}, '%PDF-1.4 e2e\n')).status === 201, 'evidence')
  assert((await admin.call('POST', `/applications/${id}/submit`, { declaration: true })).status === 200, 'submit')
  const city = await apiSession('rev-city', revPw)
  const prov = await apiSession('rev-prov', revPw)
  assert((await city.call('POST', `/applications/${id}/actions`, { action: 'approve' })).status === 200, 'city approve')
  assert((await prov.call('POST', `/applications/${id}/actions`, { action: 'approve' })).status === 200, 'province approve')
  const p = await newPage('admin-notice')
  await login(p, 'admin', adminPassword)
  await p.click('[data-test=menu-notices]')
  await p.waitForURL(/\/notices$/)
  await p.click('[data-test=publish]')
  const row = p.locator('[data-test=approved-table] .el-table__row', { hasText: wfFirm2.uscc })
  await row.locator('.el-checkbox').click()
  await p.fill('input[data-test=pub-title]', '2026年创新型中小企业拟认定名单公示（e2e）')
  await p.fill('input[data-test=pub-docno]', '工信厅企业〔2026〕e2e号')
  await p.click('[data-test=pub-submit]')
  await p.waitForURL(/\/notices\/\d+$/)
  const noticeId = new URL(p.url()).pathname.split('/').pop()
  await p.waitForSelector('[data-test=notice-period]')
  assert(/\d{4}-\d\d-\d\d 至 \d{4}-\d\d-\d\d/.test(await p.textContent('[data-test=notice-period]')), 'period')
  assert((await admin.call('GET', '/applications/' + id)).data.status === 'in_notice', 'not in notice')
  await p.click('[data-test=object]')
  await p.fill('input[data-test=obj-name]', '张三')
  await p.fill('input[data-test=obj-contact]', '13800000000')
  await p.fill('textarea[data-test=obj-text]', '该企业研发人员数量与社保记录不符')
  await p.click('[data-test=obj-submit]')
  await p.waitForSelector('[data-test=resolve-1]')
  await p.click('[data-test=resolve-1]')
  await p.fill('textarea[data-test=res-reason]', '经核实社保记录一致')
  await p.click('[data-test=res-submit]')
  await p.locator('[data-test=objections] .el-table__row', { hasText: '异议不成立' }).waitFor()
  await p.click('[data-test=close]')
  await p.locator('.el-popconfirm .el-button--primary:visible').click()
  await p.waitForSelector('[data-test=problem]')
  const msg = await p.textContent('[data-test=problem]')
  const stored = (await admin.call('GET', '/notices/' + noticeId)).data
  assert(msg.includes(stored.ends_on), 'the refusal does not name the last day: ' + msg)
  assert((await p.textContent('[data-test=notice-status]')).includes('公示中'), 'closed early')
  assert(stored.status === 'open', 'closed in the store')
  await p.waitForTimeout(400)
  await shot(p, 'notice')
  await p.context().close()
})

await check('no console errors', async () => {
  assert(consoleErrors.length === 0, consoleErrors.join('\n'))
})

await browser.close()
stopServer()
if (!process.env.E2E_KEEP) rmSync(work, { recursive: true, force: true })
console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)

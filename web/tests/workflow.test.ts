// The workflow pages' logic: buttons from allowed_actions, reasons, the list's default view.
import { describe, expect, it } from 'vitest'
import { buttonsFor, needsReason, actionBody, listQuery, canApply, statusType, STATUSES } from '../src/utils/workflow'
import zh from '../src/i18n/zh'
import en from '../src/i18n/en'

describe('buttons by allowed_actions', () => {
  it('shows a reviewer exactly the review actions it is allowed, in order', () => {
    expect(buttonsFor({ status: 'in_review', allowed_actions: ['reject', 'approve', 'return'] }).review).toEqual(['approve', 'return', 'reject'])
    expect(buttonsFor({ status: 'in_review', allowed_actions: ['approve'] }).review).toEqual(['approve'])
  })
  it('shows nothing when nothing is allowed (another level, a decided application)', () => {
    const b = buttonsFor({ status: 'in_review', allowed_actions: [] })
    expect(b).toEqual({ review: [], submit: false, upload: false, withdraw: false })
    expect(buttonsFor({ status: 'approved', allowed_actions: null }).review).toEqual([])
  })
  it('gives the firm upload and submit on a draft, withdraw when listed', () => {
    expect(buttonsFor({ status: 'draft', allowed_actions: ['submit', 'withdraw'] })).toEqual({ review: [], submit: true, upload: true, withdraw: true })
  })
  it('gives upload and resubmit on a returned application', () => {
    const b = buttonsFor({ status: 'returned', allowed_actions: ['resubmit'] })
    expect(b.submit && b.upload && !b.withdraw).toBe(true)
  })
  it('never shows review buttons to a firm, nor upload in review', () => {
    const b = buttonsFor({ status: 'in_review', allowed_actions: ['withdraw'] })
    expect(b).toEqual({ review: [], submit: false, upload: false, withdraw: true })
  })
})

describe('reasons', () => {
  it('requires a reason for return and reject only', () => {
    expect(needsReason('return')).toBe(true)
    expect(needsReason('reject')).toBe(true)
    expect(needsReason('approve')).toBe(false)
    expect(needsReason('withdraw')).toBe(false)
  })
  it('builds the action body, refusing a blank reason where one is needed', () => {
    expect(actionBody('return', '   ')).toBeNull()
    expect(actionBody('reject', '')).toBeNull()
    expect(actionBody('return', ' 缺少证明 ')).toEqual({ action: 'return', reason: '缺少证明' })
    expect(actionBody('approve', '')).toEqual({ action: 'approve' })
    expect(actionBody('approve', 'ok')).toEqual({ action: 'approve', reason: 'ok' })
  })
})

describe('list view', () => {
  it('shows a reviewer its queue by default, all when asked', () => {
    expect(listQuery('reviewer', {})).toEqual({ queue: 'true', status: undefined, policy: undefined })
    expect(listQuery('reviewer', { queue: 'false' }).queue).toBeUndefined()
    expect(listQuery('reviewer', { queue: 'true', status: 'in_review' })).toEqual({ queue: 'true', status: 'in_review', policy: undefined })
  })
  it('shows others their scope with the filters', () => {
    expect(listQuery('admin', { status: 'approved', policy: 'srdi-sme' })).toEqual({ status: 'approved', policy: 'srdi-sme' })
    expect(listQuery('enterprise', { status: ['x'] })).toEqual({ status: undefined, policy: undefined })
  })
  it('lets firms, officials and admins apply, not reviewers', () => {
    expect(['enterprise', 'official', 'admin', 'reviewer', undefined].map(canApply)).toEqual([true, true, true, false, false])
  })
  it('has a tag colour and a zh/en label for every status', () => {
    for (const s of STATUSES) {
      expect(statusType(s)).toBeTruthy()
      expect((zh as any).wfStatus[s]).toBeTruthy()
      expect((en as any).wfStatus[s]).toBeTruthy()
    }
    expect(statusType('rejected')).toBe('danger')
    expect(statusType('granted')).toBe('success')
  })
})

// The workflow pages' logic: status tag colours, which buttons show for an application's
// allowed_actions (the server's list for the caller; nothing is guessed from the role), which
// actions need a reason, and the list's default view by role.
export const STATUSES = ['draft', 'in_review', 'returned', 'approved', 'in_notice', 'granted', 'rejected', 'withdrawn'] as const
export type Status = (typeof STATUSES)[number]

export function statusType(s: string | null | undefined): 'success' | 'danger' | 'warning' | 'info' | 'primary' {
  switch (s) {
    case 'granted':
    case 'approved':
      return 'success'
    case 'rejected':
      return 'danger'
    case 'returned':
      return 'warning'
    case 'in_review':
    case 'in_notice':
      return 'primary'
    default:
      return 'info'
  }
}

export const REVIEW_ACTIONS = ['approve', 'return', 'reject'] as const

export interface Buttons {
  /** approve / return / reject, in that order, only those allowed. */
  review: string[]
  /** The firm may add evidence and submit (draft or returned, with submit allowed). */
  submit: boolean
  upload: boolean
  withdraw: boolean
}

export function buttonsFor(app: { status: string; allowed_actions?: string[] | null }): Buttons {
  const allowed = new Set(app.allowed_actions || [])
  const submit = allowed.has('submit') || allowed.has('resubmit')
  return {
    review: REVIEW_ACTIONS.filter((a) => allowed.has(a)),
    submit,
    upload: submit && (app.status === 'draft' || app.status === 'returned'),
    withdraw: allowed.has('withdraw'),
  }
}

/** Return and reject need a reason (the server answers 422 without one). */
export function needsReason(action: string): boolean {
  return action === 'return' || action === 'reject'
}

/** The body of POST …/actions, or null when a needed reason is missing. */
export function actionBody(action: string, reason: string): { action: string; reason?: string } | null {
  const r = reason.trim()
  if (needsReason(action) && !r) return null
  return r ? { action, reason: r } : { action }
}

/** The list's query: a reviewer sees its queue unless it asks for all. */
export function listQuery(role: string | undefined, route: Record<string, unknown>): { queue?: string; status?: string; policy?: string } {
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined)
  const q: { queue?: string; status?: string; policy?: string } = { status: str(route.status), policy: str(route.policy) }
  const queue = str(route.queue)
  if (queue === 'true' || (queue === undefined && role === 'reviewer')) q.queue = 'true'
  return q
}

/** Who may apply for which firm: a firm user for its own, officials and admins any (by USCC), reviewers none. */
export function canApply(role: string | undefined): boolean {
  return role === 'enterprise' || role === 'admin' || role === 'official'
}

/** Whether a notice may still take objections (open); closing is the server's decision (409 before the end). */
export function noticeOpen(n: { status: string }): boolean {
  return n.status === 'open'
}

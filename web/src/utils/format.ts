// Display helpers: texts that the API gives in both languages, money in 万元 with grouping,
// and outcome tag colours.
export function loc(label: unknown, lang: string): string {
  if (label == null) return ''
  if (typeof label === 'object') {
    const o = label as Record<string, string>
    return (lang.startsWith('en') ? o.en : o.zh) || o.zh || o.en || ''
  }
  return String(label)
}

export function num(v: unknown, lang: string): string {
  if (typeof v !== 'number') return v == null ? '' : String(v)
  return new Intl.NumberFormat(lang.startsWith('en') ? 'en-US' : 'zh-CN', { maximumFractionDigits: 2 }).format(v)
}

export function outcomeType(o: string | undefined | null): 'success' | 'danger' | 'warning' | 'info' {
  switch (o) {
    case 'met':
      return 'success'
    case 'not_met':
      return 'danger'
    case 'unknown':
      return 'warning'
    default:
      return 'info'
  }
}

/** 'srdi-sme@2026' → 'srdi-sme'. */
export function policyId(p: string): string {
  const i = p.indexOf('@')
  return i < 0 ? p : p.slice(0, i)
}

/** Ladder order of the shipped tiers, lowest first; unknown (local) tiers go after. */
export const LADDER = ['tech-sme', 'innovative-sme', 'srdi-sme', 'little-giant', 'high-tech-enterprise']

export function ladderIndex(p: string): number {
  const i = LADDER.indexOf(policyId(p))
  return i < 0 ? LADDER.length : i
}

// vue-i18n set-up: zh-CN by default, en by the switch; the choice is kept in localStorage and
// sent to the API as Accept-Language.
import { createI18n } from 'vue-i18n'
import zh from './zh'
import en from './en'
import { setLang } from '../api/client'

export type Lang = 'zh-CN' | 'en'

function initial(): Lang {
  try {
    const saved = localStorage.getItem('gradus.lang')
    if (saved === 'en' || saved === 'zh-CN') return saved
  } catch {
    /* no storage */
  }
  return 'zh-CN'
}

const start = initial()
setLang(start)

export const i18n = createI18n({
  legacy: false,
  locale: start,
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
})

export function switchLang(lang: Lang) {
  ;(i18n.global.locale as any).value = lang
  setLang(lang)
  document.documentElement.lang = lang
  try {
    localStorage.setItem('gradus.lang', lang)
  } catch {
    /* no storage */
  }
}

export function currentLang(): Lang {
  return (i18n.global.locale as any).value as Lang
}

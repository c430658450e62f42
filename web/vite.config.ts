// Vite build of the gradus web UI. `npm run dev` proxies /api to a running `gradus serve`
// (GRADUS_API, default http://127.0.0.1:8091); `npm run build` writes dist/ for --web-root.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const api = process.env.GRADUS_API || 'http://127.0.0.1:8091'

export default defineConfig({
  base: '/',
  // vue-i18n compiles messages without eval (the server's Content-Security-Policy has no
  // 'unsafe-eval'); only the Composition API is used.
  define: {
    __INTLIFY_JIT_COMPILATION__: true,
    __INTLIFY_DROP_MESSAGE_COMPILER__: false,
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  plugins: [vue()],
  server: { port: 8092, strictPort: true, proxy: { '/api': { target: api, changeOrigin: false } } },
  preview: { port: 8093, strictPort: true, proxy: { '/api': { target: api, changeOrigin: false } } },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      output: {
        manualChunks: {
          echarts: ['echarts'],
          'element-plus': ['element-plus'],
          vue: ['vue', 'vue-router', 'vue-i18n', 'pinia'],
        },
      },
    },
  },
  test: { environment: 'node', include: ['tests/**/*.test.ts'] },
} as any)

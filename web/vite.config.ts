// Vite build of the gradus web UI. `npm run dev` proxies /api to a running `gradus serve`
// (GRADUS_API, default http://127.0.0.1:8091); `npm run build` writes dist/ for --web-root.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const api = process.env.GRADUS_API || 'http://127.0.0.1:8091'

export default defineConfig({
  base: '/',
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

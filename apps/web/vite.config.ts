import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development the dashboard runs on Vite's server and forwards API calls to `retain serve`.
const apiTarget = `http://127.0.0.1:${process.env.RETAIN_API_PORT ?? '3000'}`;

// Code splitting is Rolldown's own: one chunk per page (React.lazy), the chart library and
// CodeMirror in shared chunks loaded by the pages that draw charts or edit SQL.
export default defineConfig({
  plugins: [react()],
  // The Host header is passed on as the browser sent it: the API refuses a mutation whose Origin is
  // not the host it was addressed to, and here that is Vite's.
  server: {
    proxy: {
      '/trpc': { target: apiTarget, changeOrigin: false },
      '/upload': { target: apiTarget, changeOrigin: false },
    },
  },
  build: { outDir: 'dist', sourcemap: false, chunkSizeWarningLimit: 700 },
});

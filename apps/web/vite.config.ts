import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development the dashboard runs on Vite's server and forwards API calls to `retain serve`.
const apiTarget = `http://127.0.0.1:${process.env.RETAIN_API_PORT ?? '3000'}`;

export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/trpc': apiTarget } },
  build: { outDir: 'dist', sourcemap: false, chunkSizeWarningLimit: 700 },
});

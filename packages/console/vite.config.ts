import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by the Hookreach server at `/` (same origin as the API, so no CORS);
// `npm run dev -w @hookreach/console` proxies the API to a server on 8080.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' } },
});

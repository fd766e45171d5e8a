import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console: built into web/dist (served by the API server at '/'), or served
 * by Vite with hot reload in `npm run dev`, which proxies the API to the server.
 */
const api = process.env.NETPILOT_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: api },
      '/docs': { target: api },
      '/openapi.json': { target: api },
    },
  },
});

// Builds the dashboard into dist/ (served by the gateway at /). `npm run dev -w services/web`
// serves it with hot reload and sends the API and the socket to a platform on :8080.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const platform = process.env.ELWOSA_URL ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, assetsInlineLimit: 0 },
  server: {
    proxy: {
      '/api': platform,
      '/v1': platform,
      '/.well-known': platform,
      '/ws': { target: platform.replace(/^http/, 'ws'), ws: true },
    },
  },
});

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `pnpm dev`: the admin on Vite's port, the API proxied to the server started beside it.
const api = process.env.CLAPPER_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;

export default defineConfig({
  plugins: [react()],
  server: { port: 5173, proxy: { '/trpc': api, '/healthz': api } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
});

import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// `npm run build` writes straight into the gateway's wwwroot, which the gateway serves
// (SPA fallback to index.html). `npm run dev` proxies the API to a gateway on
// LABSCHED_GATEWAY (default http://127.0.0.1:5080).
const gateway = process.env.LABSCHED_GATEWAY ?? 'http://127.0.0.1:5080';

export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: '../LabScheduler.Gateway/wwwroot',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 900,
  },
  server: { proxy: { '/api': gateway, '/health': gateway, '/openapi': gateway } },
  test: { include: ['tests/**/*.test.ts'], environment: 'node' },
});

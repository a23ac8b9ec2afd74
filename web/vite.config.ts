import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { apiProxy } from './vite-shared';

/** The web app (`dist/index.html` + assets). The widget is a second build: `vite.widget.config.ts`. */
export default defineConfig({
  plugins: [react()],
  server: { port: Number(process.env.WEB_PORT ?? 5173), proxy: apiProxy },
  preview: { port: Number(process.env.WEB_PORT ?? 4173), proxy: apiProxy },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});

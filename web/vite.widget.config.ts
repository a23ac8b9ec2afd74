import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The embeddable widget: one self-contained script (`dist/widget.js`, React included) that integrators
 * add with a single `<script>` tag. Built after the app, into the same folder, without emptying it.
 */
export default defineConfig({
  plugins: [react()],
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: true,
    lib: { entry: 'src/widget/widget-entry.tsx', name: 'AgentCraftWidget', formats: ['iife'], fileName: () => 'widget.js' },
  },
});

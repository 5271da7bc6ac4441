import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { viteSourceResolve } from "../../scripts/source-condition.mjs";

// `npm run dev` serves the app with reload and forwards the API to the server (`npm start`, port 3000).
const apiTarget = process.env.LEDGERFLOW_API ?? "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react()],
  // @ledgerflow/jobs-react and @ledgerflow/jobs from their sources: the web build needs no package build.
  ...viteSourceResolve(),
  server: {
    port: 5173,
    proxy: {
      "/api": { target: apiTarget, changeOrigin: false },
      "/docs": apiTarget,
      "/healthz": apiTarget,
    },
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
});

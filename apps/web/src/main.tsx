import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@ledgerflow/jobs-react/styles.css";
import "./styles.css";
import { App } from "./app/App.js";

const root = document.getElementById("root");
if (!root) throw new Error('index.html must contain <div id="root">');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

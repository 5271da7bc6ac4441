/**
 * `/docs`: a self-contained page that reads `/openapi.json` and lists every route with its
 * parameters, body and responses. No CDN and no bundle: the server runs without internet.
 */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ledgerflow API</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 980px; padding: 1.5rem; color: #1d2330; }
  h1 { margin-bottom: 0; } .lead { color: #555; margin-top: .25rem; }
  details { border: 1px solid #d9dde5; border-radius: 6px; margin: .5rem 0; background: #fff; }
  summary { cursor: pointer; padding: .5rem .75rem; display: flex; gap: .75rem; align-items: baseline; }
  .m { font: 600 12px ui-monospace, monospace; padding: 2px 6px; border-radius: 4px; color: #fff; min-width: 52px; text-align: center; }
  .get { background: #2f6fdb; } .post { background: #1f8f4e; } .patch, .put { background: #b7791f; } .delete { background: #c53030; }
  code, pre { font: 13px ui-monospace, monospace; } pre { background: #f5f7fa; padding: .75rem; overflow: auto; margin: .25rem 0; }
  .body { padding: 0 .75rem .75rem; } h2 { margin-top: 2rem; text-transform: capitalize; } h4 { margin: .75rem 0 .25rem; }
</style>
</head>
<body>
<h1>Ledgerflow API</h1>
<p class="lead">Every <code>/api</code> route needs <code>Authorization: Bearer &lt;token&gt;</code>. Errors are
<code>{"error": {"code", "message"}}</code>. Machine-readable spec: <a href="/openapi.json">/openapi.json</a>.</p>
<div id="routes">Loading…</div>
<script>
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
};
const schemaOf = (spec, schema) => {
  if (schema && schema.$ref) return spec.components.schemas[schema.$ref.split("/").pop()] || schema;
  return schema;
};
const pretty = (spec, schema) => JSON.stringify(schemaOf(spec, schema), null, 2);
fetch("/openapi.json").then((r) => r.json()).then((spec) => {
  const root = document.getElementById("routes");
  root.textContent = "";
  const groups = {};
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = (op.tags && op.tags[0]) || "other";
      (groups[tag] = groups[tag] || []).push({ path, method, op });
    }
  }
  for (const [tag, routes] of Object.entries(groups)) {
    root.append(el("h2", {}, tag));
    for (const { path, method, op } of routes) {
      const body = el("div", { class: "body" });
      if (op.parameters && op.parameters.length) {
        body.append(el("h4", {}, "Parameters"));
        const list = el("ul");
        for (const p of op.parameters) list.append(el("li", {}, el("code", {}, p.name), " (" + p.in + (p.required ? ", required" : "") + ") " + ((p.schema && p.schema.type) || "")));
        body.append(list);
      }
      const content = op.requestBody && op.requestBody.content;
      if (content) for (const [type, media] of Object.entries(content)) {
        body.append(el("h4", {}, "Body (" + type + ")"), el("pre", {}, pretty(spec, media.schema)));
      }
      for (const [status, response] of Object.entries(op.responses || {})) {
        const media = response.content && Object.values(response.content)[0];
        body.append(el("h4", {}, status + " — " + (response.description || "")));
        if (media && media.schema) body.append(el("pre", {}, pretty(spec, media.schema)));
      }
      root.append(el("details", {}, el("summary", {}, el("span", { class: "m " + method }, method.toUpperCase()), el("code", {}, path), op.summary || ""), body));
    }
  }
}).catch((error) => { document.getElementById("routes").textContent = "Could not load /openapi.json: " + error; });
</script>
</body>
</html>
`;

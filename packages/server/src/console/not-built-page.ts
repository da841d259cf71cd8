/** What `/` answers while the console is not built: the API works, and this says how to build. */
export function notBuiltPage(consoleDir: string): string {
  const escaped = consoleDir.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hookreach: console not built</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Hookreach is running; the web console is not built</h1>
<p>No build was found in <code>${escaped}</code>. Build it once with:</p>
<pre>npm run build:console</pre>
<p>(<code>npm start</code> builds it automatically when it is missing or older than its sources.)
The API works meanwhile: <a href="/api/docs">/api/docs</a>, <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</body></html>
`;
}

import { createHash } from 'node:crypto';
import { SCRIPT } from './status-page-script';

/*
 * The status page: one static document, no build step. It holds no data; its script polls
 * `GET status` and renders with textContent only, so nothing from the service or Crisp is ever
 * parsed as HTML. A token (needed when API tokens are configured) comes from the URL fragment,
 * which browsers never send to the server, or from the form, and stays in sessionStorage.
 *
 * The script and style are plain strings (String.raw keeps their backslashes as written); they
 * must not contain a backtick or a dollar-brace.
 */

const STYLE = String.raw`
:root { color-scheme: light dark; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --muted: #6e7781;
  --line: #d0d7de; --bar: #e6e9ec; --fill: #2f81f7; }
@media (prefers-color-scheme: dark) { :root { --line: #30363d; --bar: #30363d; --muted: #8b949e; } }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto;
  max-width: 1100px; padding: 16px 20px 40px; }
header { display: flex; align-items: baseline; gap: 16px; flex-wrap: wrap; }
h1 { font-size: 20px; margin: 0; }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted);
  margin: 0 0 8px; }
.muted { color: var(--muted); }
.banner { border: 1px solid var(--line); border-left: 4px solid var(--bad); padding: 10px 12px;
  margin: 12px 0; border-radius: 6px; }
.banner[hidden], form[hidden] { display: none; }
form { display: flex; gap: 8px; margin: 8px 0; flex-wrap: wrap; }
input { font: inherit; padding: 4px 8px; min-width: 280px; }
button { font: inherit; padding: 4px 12px; cursor: pointer; }
.grid { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr));
  margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.big { font-size: 26px; font-weight: 600; font-variant-numeric: tabular-nums; }
.state-connected { color: var(--ok); }
.state-connecting, .state-standby, .state-disconnected { color: var(--warn); }
.state-unauthorized, .state-stopped { color: var(--bad); }
.state-disabled { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line);
  font-variant-numeric: tabular-nums; vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
code { font-size: 12px; }
.bar { position: relative; height: 10px; min-width: 140px; background: var(--bar); border-radius: 5px;
  overflow: hidden; }
.bar > span { position: absolute; inset: 0 auto 0 0; background: var(--fill); border-radius: 5px; }
.bar.indeterminate > span { width: 30%; animation: slide 1.2s ease-in-out infinite; }
.bar.failed > span { background: var(--bad); }
.bar.paused > span { background: var(--warn); }
.bar.completed > span { background: var(--ok); }
@keyframes slide { from { left: -30%; } to { left: 100%; } }
.error { color: var(--bad); }
.spaced { margin-top: 12px; }
`;

const BODY = String.raw`
<header>
  <h1>Crisp mirror status</h1>
  <span class="muted" id="updated">loading…</span>
  <span class="muted" id="instance"></span>
</header>
<div class="banner" id="message" role="alert" hidden></div>
<form id="token-form" hidden>
  <label for="token-input">API token</label>
  <input id="token-input" type="password" autocomplete="off" placeholder="paste a read or admin token">
  <button type="submit">Use token</button>
  <button type="button" id="forget-token">Forget token</button>
</form>
<section class="grid">
  <div class="card">
    <h2>Crisp RTM</h2>
    <div class="big" id="rtm-state">–</div>
    <div class="muted">connected <span id="rtm-connected-at">–</span></div>
    <div class="muted">last event <span id="rtm-last-event">–</span></div>
  </div>
  <div class="card">
    <h2>Events per minute</h2>
    <div class="big" id="events-per-minute">–</div>
    <div class="muted">last 60 s, RTM and Web Hooks</div>
  </div>
  <div class="card">
    <h2>Crisp quota today (UTC)</h2>
    <div class="big"><span id="quota-used">–</span> <span class="muted">/ <span id="quota-budget">–</span></span></div>
    <div class="bar" id="quota-bar" role="progressbar" aria-label="Crisp quota used today"
      aria-valuemin="0" aria-valuemax="1"><span></span></div>
    <div class="muted"><span id="quota-left">–</span> left</div>
  </div>
</section>
<section class="card">
  <h2>Catch-up reconciler</h2>
  <table>
    <thead><tr><th>Website</th><th>Watermark</th><th>Age</th></tr></thead>
    <tbody id="reconciler-rows"></tbody>
  </table>
</section>
<section class="card spaced">
  <h2>Freshness</h2>
  <table>
    <thead><tr><th>Data</th><th>Last event</th><th>Last refresh</th></tr></thead>
    <tbody id="freshness-rows"></tbody>
  </table>
</section>
<section class="card spaced">
  <h2>Backfill jobs</h2>
  <table>
    <thead><tr><th>Website</th><th>State</th><th>Progress</th><th>Conversations</th>
      <th>Messages</th><th>Requests</th><th>Time left</th></tr></thead>
    <tbody id="backfill-rows"></tbody>
  </table>
</section>
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Only this page's own script and style run; it may fetch from its own origin and nothing else. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const STATUS_PAGE = {
  html: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Crisp mirror status</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>${BODY}<script>${SCRIPT}</script>
</body>
</html>
`,
  contentSecurityPolicy: CONTENT_SECURITY_POLICY,
};

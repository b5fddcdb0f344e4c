// The UI's only stylesheet, served from code at /vmalert/static/style.css (no build step, no CDN).
export const STYLE_CSS = `
:root{--fg:#1d2433;--muted:#5f6b7a;--bg:#f6f7f9;--card:#fff;--line:#dde1e6;--accent:#1f5fbf;
--firing:#c62828;--pending:#e08a00;--ok:#2e7d32;--inactive:#607d8b;--nomatch:#8d6e63;--unhealthy:#6a1b9a}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#1d2433;color:#fff;padding:.6rem 1rem;display:flex;gap:1.2rem;align-items:center;flex-wrap:wrap}
header a{color:#dfe7f3;text-decoration:none}header a.active,header a:hover{color:#fff;text-decoration:underline}
header .brand{font-weight:700;color:#fff;margin-right:1rem}
main{padding:1rem;max-width:1400px;margin:0 auto}
a{color:var(--accent)}
h1{font-size:1.35rem;margin:.3rem 0 1rem}h2{font-size:1.1rem;margin:0 0 .4rem}h3{font-size:1rem;margin:.8rem 0 .3rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.8rem 1rem;margin-bottom:1rem}
.meta{color:var(--muted);font-size:.9em}.meta span{margin-right:1rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-top:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:.85em;border-top:none}
pre,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
pre{margin:0;white-space:pre-wrap;word-break:break-word}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:9px;font-size:.8em;font-weight:600;color:#fff;background:var(--inactive)}
.s-firing{background:var(--firing)}.s-pending{background:var(--pending)}.s-ok{background:var(--ok)}
.s-inactive{background:var(--inactive)}.s-nomatch{background:var(--nomatch)}.s-unhealthy,.s-error{background:var(--unhealthy)}
.label{display:inline-block;background:#eef1f5;border:1px solid var(--line);border-radius:4px;padding:0 .35rem;margin:0 .25rem .2rem 0;font-family:ui-monospace,monospace;font-size:.85em;white-space:pre-wrap;word-break:break-all}
.error{color:var(--firing);white-space:pre-wrap;word-break:break-word}
.banner{background:#fdecea;border:1px solid #f5c2c0;color:#7f1d1d;border-radius:6px;padding:.7rem 1rem;margin-bottom:1rem;white-space:pre-wrap}
form.filters{display:flex;flex-wrap:wrap;gap:.8rem;align-items:center}
form.filters label{white-space:nowrap}
input[type=search]{padding:.3rem .5rem;min-width:16rem;border:1px solid var(--line);border-radius:4px}
select,button{padding:.3rem .5rem}
.timeline{display:flex;height:22px;border:1px solid var(--line);border-radius:4px;overflow:hidden;margin:.4rem 0}
.timeline span{display:block;height:100%;min-width:2px}
.t-firing{background:var(--firing)}.t-pending{background:var(--pending)}.t-inactive,.t-nomatch{background:#cfd8dc}
.t-match,.t-ok{background:var(--ok)}.t-error{background:var(--unhealthy)}
.bar{background:#e3e8ef;height:8px;border-radius:4px;min-width:60px}.bar span{display:block;height:100%;background:var(--pending);border-radius:4px}
.empty{color:var(--muted);font-style:italic}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}dl.kv dt{color:var(--muted)}dl.kv dd{margin:0}
`;

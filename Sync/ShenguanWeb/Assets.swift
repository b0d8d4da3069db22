/// The one stylesheet (served by the replica: no CDN, no web fonts; the
/// machine may be offline). Works at 1366×768 and on a phone's width.
/// (Arrays of lines: one long multi-line literal crashed the release
/// optimizer of Swift 6.3.1.)
enum Assets {
    /// The only script: the credit-code hint as a clerk types (the check
    /// itself is the server's). Pages work without it.
    static let js: String = [
        "document.querySelectorAll(\"input[name=creditCode]\").forEach(function (input) {",
        "  var hint = document.createElement(\"span\"); hint.className = \"hint live\"; hint.setAttribute(\"aria-live\", \"polite\");",
        "  input.insertAdjacentElement(\"afterend\", hint);",
        "  input.addEventListener(\"input\", function () {",
        "    var v = input.value.trim().toUpperCase();",
        "    if (v.length < 18) { hint.textContent = v.length ? \"还差 \" + (18 - v.length) + \" 位\" : \"\"; hint.dataset.ok = \"\"; return; }",
        "    fetch(\"/check/credit-code?c=\" + encodeURIComponent(v), { credentials: \"same-origin\" })",
        "      .then(function (r) { return r.json(); })",
        "      .then(function (j) { hint.textContent = j.zh; hint.dataset.ok = j.ok ? \"yes\" : \"no\"; });",
        "  });",
        "});",
    ].joined(separator: "\n")

    static let css: String = [
        ":root { --fg:#1d2733; --muted:#5b6776; --line:#d5dbe3; --bg:#f5f7fa; --accent:#0b5cad; --ok:#1f7a3a; --bad:#b3261e; --warn:#9a6200; }",
        "* { box-sizing: border-box; }",
        "body { margin:0; font: 15px/1.6 \"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif; color:var(--fg); background:var(--bg); }",
        "header { display:flex; flex-wrap:wrap; align-items:center; gap:.5rem 1.5rem; padding:.6rem 1rem; background:#fff; border-bottom:1px solid var(--line); }",
        ".brand { font-weight:700; font-size:1.1rem; } .brand small { font-weight:400; color:var(--muted); margin-left:.5rem; }",
        "nav { display:flex; flex-wrap:wrap; gap:.25rem 1rem; align-items:center; }",
        "nav a { color:var(--accent); text-decoration:none; padding:.2rem 0; } nav a[aria-current=page] { font-weight:700; border-bottom:2px solid var(--accent); }",
        "a:focus, button:focus, input:focus, select:focus { outline:3px solid #ffbf47; outline-offset:1px; }",
        "main { max-width:72rem; margin:0 auto; padding:1rem; } h1 { font-size:1.4rem; margin:.5rem 0 1rem; } h2 { font-size:1.1rem; margin:0 0 .5rem; }",
        ".card { background:#fff; border:1px solid var(--line); border-radius:6px; padding:1rem; margin-bottom:1rem; }",
        ".narrow { max-width:24rem; }",
        "table.list { width:100%; border-collapse:collapse; background:#fff; } table.list caption { text-align:left; color:var(--muted); padding:.3rem 0; }",
        "table.list th, table.list td { border-bottom:1px solid var(--line); padding:.5rem; text-align:left; vertical-align:top; }",
        "tr.urgent td.left { color:var(--bad); font-weight:700; }",
        "label { display:block; margin:.5rem 0; } label.check { display:inline-block; margin-right:1rem; }",
        "input[type=text], input[type=password], input[type=date], input:not([type]), select { display:block; width:100%; max-width:28rem; padding:.4rem; border:1px solid #9aa5b1; border-radius:4px; font:inherit; }",
        "fieldset { border:1px solid var(--line); border-radius:6px; margin:0 0 1rem; } .req { color:var(--bad); margin-left:.2rem; }",
        "button, .button { display:inline-block; background:var(--accent); color:#fff; border:0; border-radius:4px; padding:.45rem 1rem; font:inherit; cursor:pointer; text-decoration:none; }",
        ".button.secondary { background:#e8eef5; color:var(--accent); } button.link { background:none; color:var(--accent); padding:0 .3rem; }",
        "form.inline { display:inline; } .who { color:var(--muted); margin-right:.3rem; }",
        ".notice { background:#e7f4ea; border-left:4px solid var(--ok); padding:.6rem 1rem; }",
        ".error { background:#fdecea; border-left:4px solid var(--bad); padding:.6rem 1rem; margin-bottom:1rem; } .error p { margin:.2rem 0; }",
        ".code { font-size:.8rem; color:var(--muted); }",
        ".reminder { background:#fff4e0; border-left:4px solid var(--warn); padding:.6rem 1rem; }",
        ".badge { display:inline-block; padding:.05rem .5rem; border-radius:1rem; background:#e8eef5; }",
        ".status-claimed_on_time .badge, .badge.status-claimed_on_time, .badge.status-consented { background:#e7f4ea; color:var(--ok); }",
        ".status-claimed_late .badge, .badge.status-claimed_late, .status-auto_claimed .badge, .badge.status-auto_claimed { background:#fdecea; color:var(--bad); }",
        ".badge.status-pending, .badge.status-claimed_awaiting_witness { background:#fff4e0; color:var(--warn); }",
        "dl { display:grid; grid-template-columns:9rem 1fr; gap:.3rem 1rem; margin:.5rem 0; } dt { color:var(--muted); }",
        ".verdict.pass { color:var(--ok); font-weight:700; } .verdict.fail { color:var(--bad); font-weight:700; }",
        "pre.lines { white-space:pre-wrap; background:var(--bg); padding:.6rem; border-radius:4px; }",
        ".hint, .empty { color:var(--muted); } .warn { color:var(--bad); } .actions { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:center; }",
        "ul.results li.ok { color:var(--ok); } ul.results li.fail { color:var(--bad); }",
        ".live[data-ok=yes] { color:var(--ok); } .live[data-ok=no] { color:var(--bad); }",
        "svg.chart { width:100%; max-width:44rem; height:auto; display:block; margin:.5rem 0; font-size:12px; }",
        "svg.chart text { fill:var(--fg, #1f2933); } svg.chart .legend { font-size:11px; } svg.chart line.axis { stroke:#9aa5b1; }",
        ".o-on_time { fill:#2e7d32; } .o-late { fill:#ef6c00; } .o-lapsed { fill:#c62828; } .o-awaiting_witness { fill:#64b5f6; } .o-open { fill:#b0bec5; }",
        "table.numbers td, table.numbers th { text-align:right; } table.numbers td:first-child, table.numbers th:first-child { text-align:left; }",
        ".years a, .years strong { margin-right:1rem; } section.stats h2 small { color:var(--muted); font-weight:400; font-size:.8rem; }",
        ".skip { position:absolute; left:-999px; top:0; background:#fff; padding:.4rem .8rem; z-index:10; } .skip:focus { left:.5rem; }",
        "a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible { outline:3px solid #f0a202; outline-offset:2px; }",
        "footer { text-align:center; color:var(--muted); font-size:.8rem; padding:2rem 1rem; }",
        "@media (max-width: 40rem) { dl { grid-template-columns:1fr; } table.list thead { display:none; } table.list td { display:block; border:0; padding:.2rem .5rem; } table.list tr { display:block; border-bottom:1px solid var(--line); padding:.4rem 0; } }",
    ].joined(separator: "\n")
}

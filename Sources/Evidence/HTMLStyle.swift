/// The report's style sheet, inlined into `index.html`: no web fonts, no
/// external resources, readable on screen and printed on A4. Verdicts carry
/// a text label as well as a colour (legible in grey-scale print and for
/// colour-blind readers).
enum HTMLStyle {
    static let css = """
    :root { --ink: #1d2733; --muted: #5b6573; --line: #d5dae1; --band: #14324f; --accent: #2f5d8a;
            --pass: #1e7b34; --pass-bg: #e3f4e6; --fail: #b3261e; --fail-bg: #fbe4e2; --open: #8a5a00; --open-bg: #fff1cc;
            --exp: #3b4fa8; --exp-bg: #e6e9fb; }
    * { box-sizing: border-box; }
    html { background: #eef1f5; }
    body { margin: 0 auto; max-width: 1180px; background: #fff; color: var(--ink); font: 14px/1.5 "Helvetica Neue", Helvetica, Arial, "Liberation Sans", sans-serif; box-shadow: 0 0 0 1px var(--line); }
    header.cover { background: var(--band); color: #fff; padding: 34px 44px 26px; }
    header.cover .kicker { text-transform: uppercase; letter-spacing: .14em; font-size: 12px; color: #a9c2dc; }
    header.cover h1 { margin: 6px 0 4px; font-size: 27px; font-weight: 600; line-height: 1.25; }
    header.cover p.sub { margin: 0 0 18px; color: #d3e0ee; }
    table.meta { border-collapse: collapse; font-size: 13px; }
    table.meta th { text-align: left; color: #a9c2dc; font-weight: normal; padding: 2px 18px 2px 0; vertical-align: top; white-space: nowrap; }
    table.meta td { padding: 2px 0; color: #fff; }
    table.meta code { color: #fff; background: rgba(255,255,255,.12); }
    .overall { display: inline-block; margin: 0 0 16px; padding: 8px 14px; border-radius: 4px; font-weight: 600; font-size: 15px; }
    .overall.pass, .overall.expectedViolation { background: var(--pass-bg); color: var(--pass); }
    .overall.fail { background: var(--fail-bg); color: var(--fail); }
    .overall.open { background: var(--open-bg); color: var(--open); }
    nav.toc { padding: 14px 44px; border-bottom: 1px solid var(--line); background: #f7f9fb; font-size: 13px; }
    nav.toc a { margin-right: 16px; color: var(--accent); text-decoration: none; white-space: nowrap; }
    main { padding: 8px 44px 40px; }
    h2 { font-size: 21px; margin: 34px 0 10px; padding-bottom: 6px; border-bottom: 2px solid var(--band); color: var(--band); }
    h3 { font-size: 16px; margin: 24px 0 8px; color: var(--band); }
    p, li { max-width: 980px; }
    a { color: var(--accent); }
    code, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
    code { background: #f1f3f6; padding: 1px 4px; border-radius: 3px; }
    table.grid { border-collapse: collapse; width: 100%; margin: 8px 0 18px; font-size: 12.5px; }
    table.grid th { background: #e9eef4; color: var(--band); text-align: left; font-weight: 600; padding: 6px 8px; border: 1px solid var(--line); position: sticky; top: 0; }
    table.grid td { padding: 5px 8px; border: 1px solid var(--line); vertical-align: top; }
    table.grid tr:nth-child(even) td { background: #fafbfc; }
    table.grid td.req { background: #f4f7fb !important; width: 27%; }
    td.req .rid { font-weight: 700; color: var(--band); font-size: 13px; }
    td.req .rtitle { font-weight: 600; }
    td.req .rtext { color: var(--muted); font-size: 12px; margin-top: 4px; }
    td.req .rcond { color: var(--muted); font-size: 11.5px; margin-top: 4px; }
    td.req .rcond summary { cursor: pointer; color: var(--accent); }
    .detail { color: var(--muted); font-size: 11.5px; }
    .v { display: inline-block; min-width: 86px; text-align: center; padding: 1px 7px; border-radius: 3px; font-size: 11px; font-weight: 700; letter-spacing: .03em; border: 1px solid; white-space: nowrap; }
    .v-pass { color: var(--pass); background: var(--pass-bg); border-color: #9fd2aa; }
    .v-fail { color: var(--fail); background: var(--fail-bg); border-color: #efaaa4; }
    .v-open { color: var(--open); background: var(--open-bg); border-color: #e9c877; }
    .v-expectedViolation { color: var(--exp); background: var(--exp-bg); border-color: #aeb8ec; }
    .cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0 8px; }
    .card { flex: 1 1 160px; border: 1px solid var(--line); border-top: 4px solid var(--accent); border-radius: 4px; padding: 10px 12px; }
    .card .n { font-size: 24px; font-weight: 700; }
    .card .l { color: var(--muted); font-size: 12px; }
    .card.pass { border-top-color: var(--pass); } .card.fail { border-top-color: var(--fail); }
    .card.open { border-top-color: var(--open); } .card.expectedViolation { border-top-color: var(--exp); }
    .notice { border-left: 4px solid var(--open); background: var(--open-bg); padding: 8px 12px; margin: 10px 0; }
    dl.methods dt { font-weight: 700; margin-top: 10px; color: var(--band); }
    dl.methods dd { margin: 2px 0 0 0; color: var(--ink); }
    .finding { border: 1px solid var(--line); border-left: 5px solid var(--fail); border-radius: 4px; padding: 10px 14px; margin: 14px 0; page-break-inside: avoid; }
    .finding.expectedViolation { border-left-color: var(--exp); }
    .finding h3 { margin: 2px 0 6px; }
    .finding ol, .finding ul { margin: 6px 0; padding-left: 22px; }
    pre.model { background: #f4f6f9; border: 1px solid var(--line); border-radius: 4px; padding: 8px 10px; font-size: 12px; white-space: pre-wrap; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
    figure { margin: 10px 0 18px; }
    figure .svg { overflow-x: auto; border: 1px solid var(--line); border-radius: 4px; padding: 8px; background: #fff; text-align: center; }
    figure .svg svg { max-width: 100%; height: auto; }
    figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
    .nosvg { border: 1px dashed var(--open); padding: 10px; background: var(--open-bg); }
    table.facts { border-collapse: collapse; font-size: 13px; margin: 6px 0 10px; }
    table.facts th { text-align: left; padding: 3px 14px 3px 0; color: var(--muted); font-weight: 600; vertical-align: top; white-space: nowrap; }
    table.facts td { padding: 3px 0; }
    .assume { border: 1px solid var(--line); border-radius: 4px; padding: 6px 14px 8px; margin: 10px 0; }
    .assume h3 { margin: 6px 0; }
    .assume li { margin: 3px 0; }
    table.cov td.n { text-align: right; font-family: "DejaVu Sans Mono", Menlo, monospace; }
    table.cov td.zero { color: #b0b6bf; }
    table.cov tr.never td:first-child { color: var(--fail); font-weight: 600; }
    table.cov th { font-size: 11px; }
    table.hashes td.h { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 11px; word-break: break-all; }
    footer { padding: 16px 44px 30px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); }
    @media print { html { background: #fff; } body { box-shadow: none; max-width: none; } nav.toc { display: none; }
                   table.grid th { position: static; } h2 { page-break-after: avoid; } }
    """
}

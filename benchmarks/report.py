"""Turns the child processes' records into cells and the markdown report."""


import workloads as W

COLUMNS = [("numpy", "NumPy (hand-written)"), ("torch", "PyTorch"), ("mygrad", "mygrad")]
SHORT = {"numpy": "NumPy", "torch": "PyTorch", "mygrad": "mygrad"}
SPREAD_NOTE = 0.10  # (max - min) / min across processes worth flagging
MEAN_NOTE = 1.15  # mean / median of one process's calls worth flagging (periodic pauses)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


# --------------------------------------------------------------------------- cells
def summarize(procs):
    """{(workload, variant, impl): cell}; variant "*" holds a process-level error."""
    cells = {}
    for proc in procs:
        if proc.get("error"):
            cells.setdefault((proc["workload"], "*", proc["impl"]),
                             {"errors": []})["errors"].append(proc["error"])
        for rec in proc.get("results", []):
            cell = cells.setdefault((proc["workload"], rec["variant"], proc["impl"]),
                                    {"values": [], "records": [], "errors": []})
            if "missing" in rec:
                cell["missing"] = rec["missing"]
                cell["reason"] = rec.get("reason", "")
            elif "error" in rec:
                cell["errors"].append(rec["error"])
            else:
                cell["values"].append(rec["value"])
                cell["records"].append(rec)
                if "check" in rec:
                    cell.setdefault("checks", []).append(rec["check"])
    for (wl, var, impl), cell in cells.items():
        checks = cell.get("checks")
        if checks:  # every process is checked: the cell passes if all of them did
            failed = [c for c in checks if not c["ok"]]
            shown = failed[0] if failed else max(checks, key=lambda c: c["worst"])
            cell["check"] = {"ok": not failed, "worst": max(c["worst"] for c in checks),
                             "errors": shown["errors"], "processes": len(checks)}
        values = cell.get("values")
        if values:
            cell["best"] = min(values)
            cell["spread"] = (max(values) - min(values)) / cell["best"] if cell["best"] else 0.0
    for (wl, var, impl), cell in cells.items():
        ref = cells.get((wl, W.base_of(var), "numpy"), {})
        if cell.get("best") is not None and ref.get("best"):
            cell["ratio"] = cell["best"] / ref["best"]
    return cells


def versions(procs):
    """{impl: the versions its first successful process reported}."""
    out = {}
    for proc in procs:
        if proc.get("versions"):
            out.setdefault(proc["impl"], proc["versions"])
    return out


def cells_as_list(cells):
    return [{"workload": wl, "variant": var, "impl": impl,
             **{k: v for k, v in cell.items() if k != "records"}}
            for (wl, var, impl), cell in cells.items()]


def problems(cells):
    """Failed gradient checks and errors (an n/a is not a problem)."""
    out = []
    for (wl, var, impl), cell in sorted(cells.items()):
        for err in dict.fromkeys(_last_line(e) for e in cell.get("errors", [])):
            out.append(f"{impl} {wl} {var}: error: {err}")
        check = cell.get("check")
        if check and not check["ok"]:
            out.append(f"{impl} {wl} {var}: gradient check FAILED: {_errors_text(check)}")
    return out


# --------------------------------------------------------------------------- format
def fmt(value):
    if value is None:
        return "—"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}" if value >= 0.01 else f"{value:.2e}"


def fmt_ratio(ratio):
    if ratio is None:
        return ""
    return f"{ratio:.0f}×" if ratio >= 100 else f"{ratio:.1f}×" if ratio >= 10 else f"{ratio:.2f}×"


def _last_line(text):
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "?"


def _errors_text(check):
    return ", ".join(f"{k}: {v}" if isinstance(v, str) else f"{k}: {v:.1e}"
                     for k, v in check["errors"].items())


# --------------------------------------------------------------------------- table
def _variants(cells, wl):
    """Row order: each base variant, then the implementations' own modes of it."""
    bases = W.BASE_VARIANTS.get(wl, [])
    seen = [v for (w, v, _) in cells if w == wl and v != "*"]
    rows = []
    for base in bases + [v for v in seen if W.base_of(v) not in bases]:
        if base not in rows:
            rows.append(base)
        rows += [v for v in dict.fromkeys(seen) if v != base and W.base_of(v) == base
                 and v not in rows]
    return rows


def _cell_text(cells, wl, var, impl, run_impls, with_ratio):
    if impl not in run_impls:
        return "—"
    cell = cells.get((wl, var, impl))
    proc_err = cells.get((wl, "*", impl))
    if cell is None:
        return "ERROR" if proc_err and var in W.BASE_VARIANTS.get(wl, [var]) else ""
    if cell.get("best") is None:
        if cell.get("missing"):
            return f"n/a (missing: {cell['missing']})"
        return "ERROR" if cell.get("errors") else ""
    text = fmt(cell["best"])
    if with_ratio and cell.get("ratio") is not None:
        text += f" ({fmt_ratio(cell['ratio'])})"
    check = cell.get("check")
    if check and not check["ok"]:
        text += " **✗grad**"
    return text


def _row_notes(cells, wl, var, run_impls):
    notes = []
    if wl == "einsum" and var.endswith(" fwd_bwd"):
        fwd = var[: -len("fwd_bwd")] + "fwd"
        parts = []
        for impl in run_impls:
            a, b = cells.get((wl, var, impl), {}), cells.get((wl, fwd, impl), {})
            if a.get("best") and b.get("best"):
                parts.append(f"{SHORT[impl]} {a['best'] / b['best']:.1f}")
        if parts:
            notes.append("fwd_bwd ÷ fwd: " + ", ".join(parts))
    if wl == "deep_graph_memory":
        parts, methods = [], set()
        for impl in run_impls:
            recs = cells.get((wl, var, impl), {}).get("records", [])
            if recs:
                seconds = min(r["seconds"] for r in recs)
                parts.append(f"{SHORT[impl]} {seconds * 1e3:.0f} ms")
                methods.update(r["method"] for r in recs)
        if parts:
            notes.append(f"{'/'.join(sorted(methods))}; one step: " + ", ".join(parts))
    if wl == "import":
        starts = [r["startup_s"] for impl in run_impls
                  for r in cells.get((wl, var, impl), {}).get("records", []) if r.get("startup_s")]
        if starts:
            notes.append(f"incl. interpreter start-up ({min(starts):.3f} s for `-c pass`)")
    for impl in run_impls:
        cell = cells.get((wl, var, impl), {})
        recs = cell.get("records", [])
        label = SHORT[impl]
        firsts = [r["first_s"] / r["median_s"] for r in recs if r.get("median_s")]
        if firsts and min(firsts) > 20 and min(r["first_s"] for r in recs) > 0.5:
            notes.append(f"{label} first call {min(r['first_s'] for r in recs):.1f} s (excluded)")
        if cell.get("check") and not cell["check"]["ok"]:
            notes.append(f"{label} gradient check FAILED")
        if cell.get("errors") and cell.get("best") is not None:
            notes.append(f"{label} failed in {len(cell['errors'])} of "
                         f"{len(cell['errors']) + len(cell['values'])} processes")
        if cell.get("missing") and cell.get("best") is not None:
            notes.append(f"{label} n/a in some processes (missing: {cell['missing']})")
    return "; ".join(notes)


def render(meta, cells, run_impls, workloads):
    lines = ["# mygrad benchmarks", ""]
    load = meta["load"]
    lines.append(f"- {meta['date']}; {meta['host']}; wall time {meta['wall_s']:.0f} s"
                 + (f"; 1-min load average {load[0]:.2f} at the start, {load[1]:.2f} at the end"
                    if load[0] is not None else ""))
    lines.append(f"- cell = best (minimum) over {meta['reps']} fresh processes of each process's "
                 f"median over ≥ {meta['min_time']} s of calls (after the first call and "
                 f"{meta['warmup']} warm-up call(s)); implementations interleaved; "
                 + (f"{meta['threads']} BLAS/OpenMP/torch thread(s)" if meta["threads"] > 0
                    else "library-default threads")
                 + "; (×) = ratio to the hand-written NumPy of the same run; lower is better")
    if meta.get("sizes"):
        lines.append(f"- **reduced sizes** (smoke run): {meta['sizes']}")
    lines.append("")
    header = ["workload · variant", "unit", *(title for _, title in COLUMNS), "mygrad ÷ NumPy",
              "notes"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for wl in [w for w in W.WORKLOADS if w in workloads]:
        for var in _variants(cells, wl):
            label = f"{wl} · {var}" if wl != "import" else "import · `python -c \"import …\"`"
            row = [label, W.UNITS[wl]]
            for impl, _ in COLUMNS:
                row.append(_cell_text(cells, wl, var, impl, run_impls, with_ratio=impl != "mygrad"))
            mine = cells.get((wl, var, "mygrad"), {})
            row.append(f"**{fmt_ratio(mine['ratio'])}**" if mine.get("ratio") else "")
            row.append(_row_notes(cells, wl, var, run_impls))
            lines.append("| " + " | ".join(row) + " |")
    lines += ["", "## Notes", ""]
    lines += _notes(meta, cells, run_impls)
    return "\n".join(lines) + "\n"


def _notes(meta, cells, run_impls):
    out = []
    checks = {k: c["check"] for k, c in cells.items() if c.get("check")}
    if not meta["checked"]:
        out.append("- gradient checks: skipped (--no-check)")
    elif checks:
        failed = {k: c for k, c in checks.items() if not c["ok"]}
        worst = {}
        for (wl, var, impl), c in checks.items():
            worst[impl] = max(worst.get(impl, 0.0), c["worst"])
        out.append(f"- gradient checks (loss and every gradient vs the NumPy reference on the same "
                   f"seeded inputs, max|Δ|/max|ref| ≤ 1e-9 for float64, ≤ 2e-4 for float32): "
                   f"{len(checks) - len(failed)} of {len(checks)} passed; worst "
                   + ", ".join(f"{SHORT[i]} {worst[i]:.1e}" for i in run_impls if i in worst))
        for (wl, var, impl), c in sorted(failed.items()):
            out.append(f"  - **FAILED** {SHORT[impl]} {wl} · {var}: {_errors_text(c)}")
    missing = sorted({(impl, wl, c["missing"], c.get("reason", ""))
                      for (wl, var, impl), c in cells.items() if c.get("missing")})
    for impl, wl, name, reason in missing:
        out.append(f"- n/a {SHORT[impl]} {wl}: {name} is not available"
                   + (f" ({reason.splitlines()[0]})" if reason else ""))
    for (wl, var, impl), c in sorted(cells.items()):
        for err in dict.fromkeys(_last_line(e) for e in c.get("errors", [])):
            out.append(f"- **ERROR** {SHORT[impl]} {wl}{'' if var == '*' else ' · ' + var}: {err}")
    if meta.get("torch_note"):
        out.append(f"- PyTorch: {meta['torch_note']}")
    noisy = sorted((c["spread"], wl, var, impl) for (wl, var, impl), c in cells.items()
                   if c.get("spread", 0) > SPREAD_NOTE and len(c["values"]) > 1)
    if noisy:
        shown = [f"{SHORT[i]} {wl} · {v} {s:.0%}" for s, wl, v, i in reversed(noisy)]
        more = f" and {len(shown) - 10} more" if len(shown) > 10 else ""
        out.append(f"- spread (max − min)/min over processes > {SPREAD_NOTE:.0%} (a shared "
                   "machine's noise; the best process is the steadiest figure): "
                   + ", ".join(shown[:10]) + more)
    elif meta["reps"] > 1:
        out.append(f"- spread over processes ≤ {SPREAD_NOTE:.0%} in every cell")
    pauses = []
    for (wl, var, impl), c in sorted(cells.items()):
        ratios = [r["mean_s"] / r["median_s"] for r in c.get("records", []) if r.get("median_s")]
        if ratios and min(ratios) > MEAN_NOTE:
            pauses.append(f"{SHORT[impl]} {wl} · {var} {min(ratios):.2f}")
    if pauses:
        out.append(f"- mean/median of the calls > {MEAN_NOTE} in every process (periodic pauses, "
                   "e.g. the cyclic GC: a real cost the median hides): " + ", ".join(pauses))
    for impl in run_impls:
        v = meta.get("versions", {}).get(impl)
        if v:
            out.append(f"- {SHORT[impl]}: " + ", ".join(f"{k} {x}" for k, x in v.items()))
    out.append(f"- interpreters: mygrad and NumPy `{meta['python']}`"
               + (f"; PyTorch `{meta['torch_python']}`" if meta.get("torch_python") else ""))
    if meta.get("env"):
        out.append(f"- environment: {meta['env']}")
    return out

/**
 * The page's own script, run in the browser over the embedded data with uPlot (bundled in the page).
 * Plain JavaScript in a string: the page must work from a file, with no network and no build step.
 */
export const CLIENT_SCRIPT = String.raw`
(() => {
  const data = JSON.parse(document.getElementById('data').textContent);
  const main = document.getElementById('main');
  const add = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; main.appendChild(e); return e; };
  const width = () => Math.min(1100, main.clientWidth || 1000);
  const fmtMs = (v) => v == null ? '' : v >= 1000 ? (v / 1000).toFixed(2) + ' s' : v >= 10 ? v.toFixed(0) + ' ms' : v.toFixed(2) + ' ms';
  const chart = (title, opts, series) => {
    add('h2', null, title);
    const box = add('div', 'chart');
    box.dataset.points = String(series[0].length);
    new uPlot(Object.assign({ width: width(), height: 280, legend: { live: true } }, opts), series, box);
  };
  document.title = data.title;
  add('h1', null, data.title);
  if (data.kind === 'run') {
    const r = data.report;
    add('p', r.passed ? 'pass' : 'fail', (r.passed ? 'PASSED' : 'FAILED') + ' · seed ' + r.seed + ' · ' + r.topology + ' · ' + r.delivery + ' · state ' + r.state + ' · ' + r.throughput.sagasPerSecond + ' sagas/s (offered ' + r.throughput.offeredPerSecond + '/s) · ' + r.durationSeconds + ' s');
    const t = r.timeline;
    const marks = r.faults.filter((f) => f.appliedAtMs !== undefined).map((f) => ({ x: f.appliedAtMs / 1000, text: f.kind + (f.service ? ' ' + f.service : '') }));
    chart('Throughput and sagas in flight over time (faults marked)', {
      scales: { x: { time: false }, n: {} },
      axes: [{ label: 's since the load began' }, { label: 'per second' }, { scale: 'n', side: 1, label: 'in flight', grid: { show: false } }],
      series: [{}, { label: 'sent/s', stroke: '#1f77b4' }, { label: 'ended/s', stroke: '#2ca02c' }, { label: 'in flight', stroke: '#ff7f0e', scale: 'n' }],
      hooks: { draw: [(u) => { const ctx = u.ctx; ctx.save(); ctx.strokeStyle = '#c2185b'; ctx.fillStyle = '#c2185b'; ctx.font = '12px sans-serif';
        for (const m of marks) { const x = u.valToPos(m.x, 'x', true); ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke(); ctx.fillText(m.text, x + 4, u.bbox.top + 14); }
        ctx.restore(); }] },
    }, [t.map((p) => p.atMs / 1000), t.map((p) => p.sentPerSecond), t.map((p) => p.donePerSecond), t.map((p) => p.inFlight)]);
    const c = r.latency.corrected, u = r.latency.uncorrected;
    const pct = (x) => { if (!(x >= 1)) return ''; const p = (1 - 1 / x) * 100; return p >= 99.99 ? p.toFixed(3) + '%' : p >= 99 ? p.toFixed(1) + '%' : p.toFixed(0) + '%'; };
    chart('Latency by percentile, corrected (from the intended send) and uncorrected', {
      scales: { x: { time: false, distr: 3 }, y: { distr: 1 } },
      axes: [{ label: 'percentile', values: (_u, vals) => vals.map(pct), splits: (u) => [1, 10, 100, 1000, 10000, 100000, 1000000].filter((x) => x <= u.scales.x.max) }, { label: 'latency', size: 70, values: (_u, vals) => vals.map(fmtMs) }],
      series: [{ value: (_u, v) => pct(v) }, { label: 'corrected', stroke: '#d62728', value: (_u, v) => fmtMs(v) }, { label: 'uncorrected', stroke: '#7f7f7f', value: (_u, v) => fmtMs(v) }],
    }, [c.x, c.ms, c.x.map((x) => { const i = u.x.findIndex((ux) => ux >= x); return u.ms[i < 0 ? u.ms.length - 1 : i]; })]);
    add('h2', null, 'Outcomes and compensations');
    const o = r.orders, total = Math.max(1, o.total);
    const bars = add('div', 'bars');
    for (const [label, n, cls] of [['confirmed', o.confirmed, 'ok'], ['cancelled: payment failed', o.cancelledByReason.payment_failed, 'bad'], ['cancelled: out of stock', o.cancelledByReason.out_of_stock, 'warn'], ['cancelled: both', o.cancelledByReason.payment_and_stock, 'both'], ['failed (timeout)', o.failed, 'bad'], ['pending', o.pending, 'dim'], ['inventory released', r.compensations.inventoryReleased, 'comp'], ['payment refunded', r.compensations.paymentRefunded, 'comp']]) {
      const row = document.createElement('div'); row.className = 'bar-row';
      row.innerHTML = '<span class="bar-label"></span><span class="bar ' + cls + '"></span><span class="bar-n"></span>';
      row.children[0].textContent = label; row.children[1].style.width = (n / total * 60) + '%'; row.children[2].textContent = n.toLocaleString();
      bars.appendChild(row);
    }
    add('h2', null, 'Step latencies');
    const steps = add('table');
    steps.innerHTML = '<tr><th>step</th><th>p50</th><th>p99</th></tr>' + Object.entries(r.steps).map(([k, v]) => '<tr><td>' + k + '</td><td>' + fmtMs(v.p50) + '</td><td>' + fmtMs(v.p99) + '</td></tr>').join('');
    add('h2', null, 'Invariants');
    const list = add('ul', 'invariants');
    for (const i of r.invariants) { const li = document.createElement('li'); li.className = i.passed ? 'pass' : 'fail'; li.textContent = (i.passed ? 'pass  ' : 'FAIL  ') + i.name + ' — ' + i.details; list.appendChild(li); }
  } else if (data.kind === 'sweep') {
    const p = data.points;
    chart('Confirmed share against ' + data.param + ', with its 95% interval and the expected share', {
      scales: { x: { time: false }, y: { range: [0, 1] } },
      axes: [{ label: data.param }, { label: 'confirmed share' }],
      series: [{}, { label: 'observed', stroke: '#1f77b4', points: { show: true, size: 7 } }, { label: '95% low', stroke: '#9ecae1', dash: [4, 4] }, { label: '95% high', stroke: '#9ecae1', dash: [4, 4] }, { label: 'expected', stroke: '#2ca02c', dash: [8, 4] }],
    }, [p.map((x) => x.value), p.map((x) => x.share.confirmed), p.map((x) => x.ci[0]), p.map((x) => x.ci[1]), p.map((x) => x.expected)]);
  } else if (data.kind === 'compare') {
    const list = add('ul');
    data.files.forEach((f, i) => { const li = document.createElement('li'); li.textContent = (i === 0 ? 'baseline: ' : 'run ' + i + ': ') + f + ' — ' + data.settings[i]; list.appendChild(li); });
    const table = add('table', 'compare');
    const head = '<tr><th>figure</th>' + data.files.map((f) => '<th>' + f.split('/').pop() + '</th>').join('') + '</tr>';
    const cell = (fig, i) => { const v = fig.values[i]; const r = fig.ratios[i]; const text = v == null ? '—' : (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3)) + (r == null ? '' : ' (' + (r >= 1 ? '+' : '') + ((r - 1) * 100).toFixed(1) + '%)'); return '<td class="' + (fig.flagged[i] ? 'flag' : '') + '">' + text + (fig.flagged[i] ? ' *' : '') + '</td>'; };
    table.innerHTML = head + data.figures.map((fig) => '<tr><td>' + fig.name + (fig.unit ? ' (' + fig.unit + ')' : '') + '</td>' + fig.values.map((_v, i) => cell(fig, i)).join('') + '</tr>').join('');
    const notes = add('ul', 'rules');
    for (const rule of data.rules) { const li = document.createElement('li'); li.textContent = rule; notes.appendChild(li); }
  } else {
    const c = data.curve;
    add('p', null, data.best == null ? 'no rate sustained' : 'highest sustained rate: ' + data.best + ' orders/s');
    chart('find-max: latency against the offered rate', {
      scales: { x: { time: false }, a: {} },
      axes: [{ label: 'offered orders/s' }, { label: 'latency', size: 70, values: (_u, vals) => vals.map(fmtMs) }, { scale: 'a', side: 1, label: 'achieved sagas/s', grid: { show: false } }],
      series: [{}, { label: 'p50', stroke: '#1f77b4', points: { show: true } }, { label: 'p99', stroke: '#d62728', points: { show: true } }, { label: 'achieved', stroke: '#2ca02c', scale: 'a', points: { show: true } }],
    }, [c.map((x) => x.rate), c.map((x) => x.p50), c.map((x) => x.p99), c.map((x) => x.achieved)]);
  }
  document.body.dataset.ready = 'true';
})();
`;

/* Draws bench-report.html's charts from the embedded result (snake_case JSON, see BenchResult.java).
   Values are only ever drawn on canvases or set as textContent: nothing from the run becomes markup. */
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('bench-result').textContent);
  var statusLine = document.getElementById('chart-status');
  if (typeof Chart === 'undefined') {
    return; // the page says so already; the tables hold every figure
  }

  var timeline = data.timeline || [];
  var steps = data.steps || [];
  var ratios = data.ratios || [];
  var charts = {};
  var histogramChoice = 0;
  var SEARCHABLE_P99_TARGET_MS = 1500;
  var MIB = 1024 * 1024;

  var PALETTE_LIGHT = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf',
    '#7f7f7f', '#bcbd22', '#393b79', '#637939'];
  var PALETTE_DARK = ['#58a6ff', '#ff7b72', '#56d364', '#ffa657', '#d2a8ff', '#e3b341', '#f778ba', '#39c5cf',
    '#b1bac4', '#a5d6ff', '#7ee787', '#ffbedd'];
  var LIGHT = { fg: '#1b1f24', muted: '#57606a', line: '#d0d7de', target: '#6e7781', stretch: '#b6bec8',
    good: '#1a7f37', bad: '#b42318', palette: PALETTE_LIGHT };
  var DARK = { fg: '#e6edf3', muted: '#9da7b3', line: '#30363d', target: '#9da7b3', stretch: '#5b6470',
    good: '#3fb950', bad: '#f85149', palette: PALETTE_DARK };
  var darkQuery = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  var theme = LIGHT;

  function num(v) {
    return typeof v === 'number' && isFinite(v) ? v : null;
  }

  function fmt(v, digits) {
    if (num(v) === null) return '—';
    var a = Math.abs(v);
    var d = digits !== undefined ? digits : (a >= 100 || a === 0 ? 0 : a >= 10 ? 1 : 2);
    return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  }

  /** Milliseconds as the tables print them: whole from 100 ms up, one decimal below. */
  function fmtMs(v) {
    if (num(v) === null) return '—';
    return fmt(v, Math.abs(v) >= 100 ? 0 : 1);
  }

  function fmtT(seconds) {
    var s = Math.max(0, Math.round(seconds));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var r = s % 60;
    var mm = (h > 0 && m < 10 ? '0' : '') + m;
    return (h > 0 ? h + ':' : '') + mm + ':' + (r < 10 ? '0' : '') + r;
  }

  function stepLabel(s) {
    return (s.phase || 'step') + ' @ ' + fmt(s.offered_inputs_per_second) + '/s';
  }

  function color(i) {
    return theme.palette[i % theme.palette.length];
  }

  /** Where each step (and any other phase of the timeline, such as the ceilings) began. */
  function phaseMarks() {
    var marks = [];
    steps.forEach(function (s) {
      if (num(s.start_second) !== null) marks.push({ t: s.start_second, label: stepLabel(s) });
    });
    var previous = null;
    timeline.forEach(function (sample) {
      if (sample.phase !== previous) {
        previous = sample.phase;
        var near = marks.some(function (m) { return Math.abs(m.t - sample.t) < 1.5; });
        if (!near && sample.phase) marks.push({ t: sample.t, label: sample.phase });
      }
    });
    return marks.sort(function (a, b) { return a.t - b.t; });
  }

  /** Draws the phase boundaries as dashed vertical lines with their labels, staggered so they do not overlap. */
  var phaseLines = {
    id: 'phaseLines',
    afterDatasetsDraw: function (chart, args, options) {
      var marks = options.marks || [];
      var x = chart.scales.x;
      var area = chart.chartArea;
      if (!marks.length || !x || !area) return;
      var ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = options.color;
      ctx.fillStyle = options.color;
      ctx.lineWidth = 1;
      ctx.setLineDash([4, 4]);
      ctx.font = '11px system-ui, sans-serif';
      ctx.textBaseline = 'top';
      marks.forEach(function (m, i) {
        var px = x.getPixelForValue(m.t);
        if (px < area.left - 1 || px > area.right + 1) return;
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        ctx.fillText(m.label, px + 3, area.top + 2 + (i % 3) * 12);
      });
      ctx.restore();
    }
  };

  function series(fn) {
    return timeline.map(function (s) { return { x: s.t, y: num(fn(s)) }; });
  }

  function keysOf(items, fn) {
    var seen = [];
    items.forEach(function (item) {
      var m = fn(item);
      if (m) Object.keys(m).forEach(function (k) { if (seen.indexOf(k) < 0) seen.push(k); });
    });
    return seen;
  }

  function line(label, points, i, extra) {
    var c = color(i);
    var d = { label: label, data: points, borderColor: c, backgroundColor: c, borderWidth: 1.5, pointRadius: 0,
      pointHoverRadius: 3, spanGaps: false };
    if (extra) Object.keys(extra).forEach(function (k) { d[k] = extra[k]; });
    return d;
  }

  function timeChart(id, datasets, yTitle, yFormat) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    if (!timeline.length) {
      empty(canvas, 'No samples were recorded.');
      return;
    }
    charts[id] = new Chart(canvas, {
      type: 'line',
      data: { datasets: datasets },
      plugins: [phaseLines],
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'time since start (m:ss)' },
            ticks: { callback: function (v) { return fmtT(v); }, maxTicksLimit: 12 } },
          y: { beginAtZero: true, title: { display: true, text: yTitle },
            ticks: { callback: function (v) { return yFormat ? yFormat(v) : fmt(v); } } }
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 2 } },
          phaseLines: { marks: phaseMarks(), color: theme.muted },
          tooltip: { callbacks: {
            title: function (items) { return items.length ? 't = ' + fmtT(items[0].parsed.x) : ''; },
            label: function (item) { return item.dataset.label + ': ' + fmt(item.parsed.y); }
          } }
        }
      }
    });
  }

  function empty(canvas, message) {
    var p = document.createElement('p');
    p.className = 'empty';
    p.textContent = message;
    canvas.parentNode.replaceWith(p);
  }

  function throughput() {
    var stages = keysOf(timeline, function (s) { return s.stage_rates_per_second; });
    var sets = [
      line('offered inputs/s', series(function (s) { return s.offered_inputs_per_second; }), 8, { borderDash: [6, 4] }),
      line('accepted inputs/s', series(function (s) { return s.accepted_inputs_per_second; }), 0),
      line('accepted records/s', series(function (s) { return s.accepted_records_per_second; }), 3)
    ];
    stages.forEach(function (stage, i) {
      sets.push(line('stage ' + stage + '/s', series(function (s) {
        return s.stage_rates_per_second ? s.stage_rates_per_second[stage] : null;
      }), 4 + i, { borderWidth: 1 }));
    });
    sets.push(line('searchable docs/s', series(function (s) { return s.searchable_documents_per_second; }), 2,
      { borderWidth: 2.5 }));
    timeChart('chart-throughput', sets, 'per second');
  }

  function p99() {
    var points = series(function (s) { return s.searchable_p99_ms; });
    var first = timeline.length ? timeline[0].t : 0;
    var last = timeline.length ? timeline[timeline.length - 1].t : 0;
    timeChart('chart-p99', [
      line('accepted → searchable p99 (ms)', points, 0, { pointRadius: 1.5, spanGaps: true }),
      line('target at half saturation: 1.5 s', [{ x: first, y: SEARCHABLE_P99_TARGET_MS }, { x: last, y: SEARCHABLE_P99_TARGET_MS }],
        1, { borderDash: [6, 4], borderWidth: 1 })
    ], 'milliseconds');
  }

  function perProcess(id, fn, yTitle) {
    var names = keysOf(timeline, function (s) { return s.processes; });
    timeChart(id, names.map(function (name, i) {
      return line(name, series(function (s) {
        var p = s.processes ? s.processes[name] : null;
        return p ? fn(p) : null;
      }), i);
    }), yTitle);
  }

  function lag() {
    var groups = keysOf(timeline, function (s) { return s.lag; });
    timeChart('chart-lag', groups.map(function (g, i) {
      return line(g, series(function (s) { return s.lag ? s.lag[g] : null; }), i);
    }), 'records behind');
  }

  /** The latencies the histogram can show: each step's searchable, accept and search latencies, then the overlay. */
  function histogramOptions() {
    var options = [];
    steps.forEach(function (s) {
      [['searchable', 'accepted → searchable'], ['accept', 'HTTP accept'], ['search', 'search request']].forEach(function (kind) {
        var l = s[kind[0]];
        if (l && l.histogram && l.histogram.length) {
          options.push({ label: stepLabel(s) + ' · ' + kind[1], latency: l, step: s, kind: kind[0] });
        }
      });
    });
    var searchable = options.filter(function (o) { return o.kind === 'searchable'; });
    if (searchable.length > 1) {
      options.push({ label: 'all steps · accepted → searchable (overlaid, % of probes)', overlay: searchable });
    }
    return options;
  }

  function setUpHistogramChoice(options) {
    var select = document.getElementById('histogram-choice');
    if (!select || select.options.length) return;
    var initial = -1;
    options.forEach(function (o, i) {
      var option = document.createElement('option');
      option.value = String(i);
      option.textContent = o.label;
      select.appendChild(option);
      if (initial < 0 && o.kind === 'searchable' && o.step.phase === 'half') initial = i;
    });
    if (initial < 0) {
      initial = options.findIndex(function (o) { return o.kind === 'searchable'; });
    }
    histogramChoice = Math.max(0, initial);
    select.value = String(histogramChoice);
    select.addEventListener('change', function () {
      histogramChoice = Number(select.value);
      if (charts['chart-histogram']) charts['chart-histogram'].destroy();
      histogram();
    });
  }

  function bucketLabel(b, i, all) {
    return '≤ ' + fmtMs(b.upper_ms) + ' ms' + (i === all.length - 1 ? ' (max)' : '');
  }

  function histogram() {
    var canvas = document.getElementById('chart-histogram');
    if (!canvas) return;
    var options = histogramOptions();
    if (!options.length) {
      empty(canvas, 'No latency was recorded.');
      return;
    }
    setUpHistogramChoice(options);
    var choice = options[histogramChoice] || options[0];
    var facts = document.getElementById('histogram-facts');
    var config;
    if (choice.overlay) {
      facts.textContent = 'Each step\'s share of probes per bucket, on a logarithmic time axis.';
      config = {
        type: 'line',
        data: { datasets: choice.overlay.map(function (o, i) {
          var total = o.latency.histogram.reduce(function (a, b) { return a + b.count; }, 0) || 1;
          return line(stepLabel(o.step), o.latency.histogram.map(function (b) {
            return { x: b.upper_ms, y: 100 * b.count / total };
          }), i, { pointRadius: 2 });
        }) },
        options: { parsing: false, scales: {
          x: { type: 'logarithmic', title: { display: true, text: 'bucket upper bound (ms)' },
            ticks: { callback: function (v) { return fmtMs(v); } } },
          y: { beginAtZero: true, title: { display: true, text: '% of probes' } }
        } }
      };
    } else {
      var l = choice.latency;
      facts.textContent = fmt(l.count, 0) + ' measured · p50 ' + fmtMs(l.p50) + ' ms · p95 ' + fmtMs(l.p95) +
        ' ms · p99 ' + fmtMs(l.p99) + ' ms · max ' + fmtMs(l.max) + ' ms';
      config = {
        type: 'bar',
        data: {
          labels: l.histogram.map(bucketLabel),
          datasets: [{ label: choice.label, data: l.histogram.map(function (b) { return b.count; }),
            backgroundColor: color(0), borderColor: color(0) }]
        },
        options: { scales: {
          x: { title: { display: true, text: 'latency bucket' } },
          y: { beginAtZero: true, title: { display: true, text: 'count' } }
        } }
      };
    }
    config.options.animation = false;
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    config.options.plugins = { legend: { position: 'bottom', labels: { boxWidth: 12 } } };
    charts['chart-histogram'] = new Chart(canvas, config);
  }

  function ratioChart() {
    var canvas = document.getElementById('chart-ratios');
    if (!canvas) return;
    if (!ratios.length) {
      empty(canvas, 'No ratios.');
      return;
    }
    charts['chart-ratios'] = new Chart(canvas, {
      type: 'bar',
      data: {
        labels: ratios.map(function (r) { return r.name + (r.met ? '  ✓ MET' : '  ✗ MISSED'); }),
        datasets: [
          { label: 'value', data: ratios.map(function (r) { return num(r.value); }),
            backgroundColor: ratios.map(function (r) { return r.met ? theme.good : theme.bad; }) },
          { label: 'target', data: ratios.map(function (r) { return num(r.target); }), backgroundColor: theme.target },
          { label: 'stretch', data: ratios.map(function (r) { return num(r.stretch); }), backgroundColor: theme.stretch }
        ]
      },
      options: {
        indexAxis: 'y',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { beginAtZero: true }, y: { ticks: { autoSkip: false } } },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: function (item) { return item.dataset.label + ': ' + fmt(item.parsed.x, 2); } } } }
      }
    });
  }

  function drawAll(forPrint) {
    Object.keys(charts).forEach(function (id) { charts[id].destroy(); delete charts[id]; });
    theme = !forPrint && darkQuery && darkQuery.matches ? DARK : LIGHT;
    Chart.defaults.color = theme.muted;
    Chart.defaults.borderColor = theme.line;
    Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
    ratioChart();
    throughput();
    p99();
    histogram();
    perProcess('chart-rss', function (p) { return num(p.rss_bytes) === null ? null : p.rss_bytes / MIB; }, 'MiB');
    lag();
    perProcess('chart-cpu', function (p) { return p.cpu_percent; }, '% of one core');
  }

  drawAll(false);
  if (darkQuery && darkQuery.addEventListener) {
    darkQuery.addEventListener('change', function () { drawAll(false); });
  }
  window.addEventListener('beforeprint', function () { drawAll(true); });
  window.addEventListener('afterprint', function () { drawAll(false); });
  if (statusLine) statusLine.dataset.drawn = String(Object.keys(charts).length);
})();

// mbmrl report: draws the figures of the runs in #report-data with ECharts (inlined above),
// then writes a render check into #render-status: per figure its size and painted pixels,
// and every script error. Data is only ever inserted as text, never as HTML.
(function () {
  'use strict';
  var status = { done: false, ok: false, errors: window.__reportErrors || [], figures: [], expected: [] };
  var PALETTE = ['#5470c6', '#ee6666', '#91cc75', '#fac858', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc',
    '#2f4554', '#c23531', '#61a0a8'];
  var charts = [];
  var root = document.getElementById('report');
  var data;

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    }
    (children || []).forEach(function (c) {
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    });
    return e;
  }
  function add(e) { root.appendChild(e); return e; }
  function missing(text) { add(el('p', { 'class': 'missing' }, [text])); }
  function fmt(x, digits) {
    if (x === null || x === undefined) { return '-'; }
    if (typeof x !== 'number') { return String(x); }
    var a = Math.abs(x);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) { return x.toExponential(3); }
    return x.toFixed(digits === undefined ? 4 : digits);
  }
  function table(headers, rows, numeric) {
    var head = el('tr', null, headers.map(function (h) { return el('th', null, [h]); }));
    var body = rows.map(function (r) {
      return el('tr', null, r.map(function (c, i) {
        return el('td', numeric && numeric[i] ? { 'class': 'num' } : null, [c === null || c === undefined ? '-' : c]);
      }));
    });
    return el('table', null, [el('thead', null, [head]), el('tbody', null, body)]);
  }

  // One figure: a div with a known id, an ECharts instance (canvas renderer, no animation), and a promise
  // that resolves when ECharts reports the rendering finished.
  function figure(id, option, height) {
    status.expected.push(id);
    var div = add(el('div', { id: id, 'class': 'figure' }));
    if (height) { div.style.height = height + 'px'; }
    try {
      var chart = echarts.init(div, null, { renderer: 'canvas' });
      var finished = new Promise(function (resolve) {
        chart.on('finished', resolve);
        setTimeout(resolve, 3000);
      });
      option.animation = false;
      option.color = option.color || PALETTE;
      chart.setOption(option);
      charts.push({ id: id, div: div, chart: chart, finished: finished });
    } catch (e) {
      status.errors.push(id + ': ' + (e && e.stack ? e.stack : String(e)));
    }
  }

  function baseOption(title, subtitle) {
    return {
      title: { text: title, subtext: subtitle || '', left: 10, top: 4, textStyle: { fontSize: 14 } },
      tooltip: { trigger: 'axis' },
      legend: { top: 8, right: 10 },
      grid: { left: 70, right: 70, top: 70, bottom: 50 }
    };
  }

  // Vertical 95% confidence bars over grouped bars: series k of n, bars of width frac of a category each.
  function errorBars(name, k, n, frac, points) {
    return {
      type: 'custom', name: name, silent: true, z: 10, tooltip: { show: false },
      data: points.filter(function (p) { return p[1] !== null && p[2] !== null; }),
      encode: { x: 0, y: [1, 2] },
      renderItem: function (params, api) {
        var x = api.value(0);
        var lo = api.coord([x, api.value(1)]);
        var hi = api.coord([x, api.value(2)]);
        var band = api.size([1, 0])[0];
        var cx = lo[0] + (k - (n - 1) / 2) * frac * band;
        var w = Math.max(3, frac * band * 0.2);
        var style = { stroke: '#1d232a', lineWidth: 1.5 };
        return { type: 'group', children: [
          { type: 'line', shape: { x1: cx, y1: lo[1], x2: cx, y2: hi[1] }, style: style },
          { type: 'line', shape: { x1: cx - w, y1: lo[1], x2: cx + w, y2: lo[1] }, style: style },
          { type: 'line', shape: { x1: cx - w, y1: hi[1], x2: cx + w, y2: hi[1] }, style: style }] };
      }
    };
  }

  // Grouped bars with 95% confidence bars: categories on x, one bar series per group.
  function barsWithCi(id, title, subtitle, yName, categories, groups) {
    var n = groups.length;
    var frac = 0.8 / n;
    var series = [];
    groups.forEach(function (g, k) {
      series.push({ type: 'bar', name: g.name, data: g.values, barWidth: (frac * 100) + '%', barGap: '0%',
        itemStyle: { color: g.color } });
    });
    groups.forEach(function (g, k) {
      series.push(errorBars(g.name, k, n, frac, g.values.map(function (v, i) {
        var ci = g.ci[i];
        return [i, v === null || ci === null ? null : v - ci, v === null || ci === null ? null : v + ci];
      })));
    });
    var o = baseOption(title, subtitle);
    o.tooltip = { trigger: 'item' };
    o.legend.data = groups.map(function (g) { return g.name; });
    o.xAxis = { type: 'category', data: categories, axisLabel: { interval: 0 } };
    o.yAxis = { type: 'value', name: yName, scale: false };
    o.series = series;
    figure(id, o);
  }

  function uniqueSplits(runs, key) {
    var seen = {};
    var out = [];
    runs.forEach(function (r) {
      r[key].forEach(function (x) { if (!seen[x.split]) { seen[x.split] = true; out.push(x.split); } });
    });
    return out.sort();
  }

  // Method labels: the method, prefixed by the run when several runs have that method (e.g. two true-dynamics).
  function methodLabels(runs, key) {
    var owners = {};
    runs.forEach(function (r) {
      r[key].forEach(function (x) { (owners[x.method] = owners[x.method] || {})[r.name] = true; });
    });
    return function (run, method) {
      return Object.keys(owners[method] || {}).length > 1 ? run.name + ': ' + method : method;
    };
  }

  function header() {
    add(el('p', { 'class': 'sub' }, ['Generated ' + data.generated + ' from ' + data.runs.length + ' run'
      + (data.runs.length === 1 ? '' : 's') + '. Self-contained: the charting library (ECharts '
      + data.versions.echarts + ') and the data are inlined; nothing is loaded from the network.']));
    add(table(['run', 'algorithm', 'checkpoint', 'directory'], data.runs.map(function (r) {
      return [r.name, r.provenance.algorithm, r.provenance.checkpoint, el('span', { 'class': 'mono' }, [r.location])];
    })));
  }

  function training() {
    add(el('h2', null, ['Training curves']));
    add(el('p', { 'class': 'sub' }, ['Per outer iteration: mean NLL of the K future transitions over the meta-batch,'
      + ' before (pre) and after (post) adapting on the M past ones; throughput in tasks per second (right axis).']));
    data.runs.forEach(function (r, i) {
      if (r.training.length === 0) { missing(r.name + ': ' + r.missing.training); return; }
      var pts = r.training;
      var xs = function (f) { return pts.map(function (p) { return [p.iteration, f(p)]; }); };
      var small = pts.length < 40;
      var series = [
        { type: 'line', name: 'pre-adaptation loss', data: xs(function (p) { return p.preLoss; }), showSymbol: small },
        { type: 'line', name: 'post-adaptation loss', data: xs(function (p) { return p.postLoss; }), showSymbol: small }];
      var others = {};
      pts.forEach(function (p) { Object.keys(p.other || {}).forEach(function (k) { others[k] = true; }); });
      Object.keys(others).sort().forEach(function (k) {
        series.push({ type: 'line', name: k, data: xs(function (p) { return p.other[k] === undefined ? null : p.other[k]; }),
          showSymbol: small, lineStyle: { type: 'dotted' } });
      });
      var hasThroughput = pts.some(function (p) { return p.tasksPerSecond !== null; });
      if (hasThroughput) {
        series.push({ type: 'line', name: 'tasks / s', yAxisIndex: 1, data: xs(function (p) { return p.tasksPerSecond; }),
          showSymbol: small, lineStyle: { type: 'dashed', width: 1 }, itemStyle: { color: '#9aa5b1' } });
      }
      var o = baseOption(r.name + ' (' + r.provenance.algorithm + ')', pts.length + ' iterations');
      o.xAxis = { type: 'value', name: 'iteration', nameLocation: 'middle', nameGap: 28, minInterval: 1 };
      o.yAxis = [{ type: 'value', name: 'NLL', scale: true }];
      if (hasThroughput) { o.yAxis.push({ type: 'value', name: 'tasks / s', scale: true, splitLine: { show: false } }); }
      o.series = series;
      figure('train-' + i, o);
    });
  }

  function adaptation() {
    add(el('h2', null, ['Adaptation error']));
    add(el('p', { 'class': 'sub' }, ['K-step prediction error on held-out tasks (mean over tasks, 95% confidence bars),'
      + ' before and after adapting on the M previous transitions (mbmrl evaluate).']));
    var splits = uniqueSplits(data.runs, 'adaptation');
    splits.forEach(function (s) {
      var runs = data.runs.filter(function (r) { return r.adaptation.some(function (a) { return a.split === s; }); });
      var rows = runs.map(function (r) { return r.adaptation.filter(function (a) { return a.split === s; })[0]; });
      add(el('h3', null, ['split ' + s]));
      barsWithCi('adapt-' + s, 'NLL on ' + s + ' tasks', 'lower is better', 'NLL', runs.map(function (r) { return r.name; }), [
        { name: 'before adaptation', color: '#9aa5b1', values: rows.map(function (a) { return a.nllBefore; }),
          ci: rows.map(function (a) { return a.nllBeforeCi95; }) },
        { name: 'after adaptation', color: '#5470c6', values: rows.map(function (a) { return a.nllAfter; }),
          ci: rows.map(function (a) { return a.nllAfterCi95; }) }]);
      add(table(['run', 'algorithm', 'checkpoint iteration', 'tasks', 'nll before', 'nll after', 'mse before', 'mse after'],
        rows.map(function (a, i) {
          return [runs[i].name, a.algorithm, a.iteration, a.tasks, fmt(a.nllBefore), fmt(a.nllAfter), fmt(a.mseBefore, 6),
            fmt(a.mseAfter, 6)];
        }), [false, false, true, true, true, true, true, true]));
    });
    data.runs.forEach(function (r) { if (r.adaptation.length === 0) { missing(r.name + ': ' + r.missing.adaptation); } });
  }

  function control() {
    add(el('h2', null, ['Control returns']));
    add(el('p', { 'class': 'sub' }, ['Mean return per episode of the adaptive MPC of each method (higher is better),'
      + ' without and with the mid-episode change, with 95% confidence intervals over the episodes (mbmrl evaluate --control).']));
    var label = methodLabels(data.runs, 'control');
    uniqueSplits(data.runs, 'control').forEach(function (s) {
      var methods = [];
      var byMethod = {};
      data.runs.forEach(function (r) {
        r.control.filter(function (c) { return c.split === s; }).forEach(function (c) {
          var m = label(r, c.method);
          if (!byMethod[m]) { byMethod[m] = {}; methods.push(m); }
          byMethod[m][c.changed ? 'yes' : 'no'] = c;
        });
      });
      var pick = function (changed, f) {
        return methods.map(function (m) { var c = byMethod[m][changed]; return c ? f(c) : null; });
      };
      add(el('h3', null, ['split ' + s]));
      barsWithCi('control-' + s, 'Return on ' + s + ' tasks', 'bars: mean; whiskers: 95% CI', 'return', methods, [
        { name: 'without change', color: '#91cc75', values: pick('no', function (c) { return c.meanReturn; }),
          ci: pick('no', function (c) { return c.ci95; }) },
        { name: 'with change', color: '#ee6666', values: pick('yes', function (c) { return c.meanReturn; }),
          ci: pick('yes', function (c) { return c.ci95; }) }]);
      var rows = [];
      methods.forEach(function (m) {
        ['no', 'yes'].forEach(function (ch) {
          var c = byMethod[m][ch];
          if (!c) { return; }
          rows.push([m, ch, c.planner, c.episodes, fmt(c.meanReturn, 2), fmt(c.std, 2), fmt(c.ci95, 2),
            c.withChange ? fmt(c.meanRecoverySteps, 1) : '-', c.withChange ? c.recovered + '/' + c.withChange : '-',
            fmt(c.adaptMs, 2), fmt(c.planMs, 2)]);
        });
      });
      add(table(['method', 'change', 'planner', 'episodes', 'return', 'std', 'ci95', 'recovery steps', 'recovered',
        'adapt ms', 'plan ms'], rows, [false, false, false, true, true, true, true, true, true, true, true]));
    });
    data.runs.forEach(function (r) { if (r.control.length === 0) { missing(r.name + ': ' + r.missing.control); } });
  }

  function polygonBand(name, color, xs, lo, hi) {
    var d = [];
    for (var i = 0; i + 1 < xs.length; i++) { d.push([xs[i], lo[i], hi[i], xs[i + 1], lo[i + 1], hi[i + 1]]); }
    return {
      type: 'custom', name: name, silent: true, z: 1, tooltip: { show: false }, data: d,
      encode: { x: [0, 3], y: [1, 2, 4, 5] },
      renderItem: function (params, api) {
        var pts = [api.coord([api.value(0), api.value(1)]), api.coord([api.value(0), api.value(2)]),
          api.coord([api.value(3), api.value(5)]), api.coord([api.value(3), api.value(4)])];
        return { type: 'polygon', shape: { points: pts }, style: { fill: color, opacity: 0.18 } };
      }
    };
  }

  function recovery() {
    add(el('h2', null, ['Recovery after the change']));
    add(el('p', { 'class': 'sub' }, ['Reward per step of the episodes with the mid-episode change, aligned on it (step 0 is'
      + ' the first step under the changed dynamics): mean over episodes and its 95% confidence band.']));
    var label = methodLabels(data.runs, 'recovery');
    uniqueSplits(data.runs, 'recovery').forEach(function (s) {
      var series = [];
      var rows = [];
      var k = 0;
      data.runs.forEach(function (r) {
        r.recovery.filter(function (c) { return c.split === s; }).forEach(function (c) {
          var name = label(r, c.method);
          var color = PALETTE[k++ % PALETTE.length];
          series.push(polygonBand(name, color, c.offsets, c.lower, c.upper));
          var line = { type: 'line', name: name, showSymbol: false, z: 5, itemStyle: { color: color },
            data: c.offsets.map(function (x, i) { return [x, c.mean[i]]; }) };
          if (series.length === 1) {
            line.markLine = { symbol: 'none', silent: true, lineStyle: { color: '#1d232a', type: 'dashed' },
              label: { formatter: 'change', position: 'insideEndTop' }, data: [{ xAxis: 0 }] };
          }
          series.push(line);
          rows.push([name, c.episodes, c.changeStep >= 0 ? c.changeStep : 'varies', fmt(c.meanRecoverySteps, 1)]);
        });
      });
      add(el('h3', null, ['split ' + s]));
      var o = baseOption('Reward per step on ' + s + ' tasks, with the change', 'line: mean; band: 95% CI');
      o.legend.data = series.filter(function (x) { return x.type === 'line'; }).map(function (x) { return x.name; });
      o.xAxis = { type: 'value', name: 'steps since the change', nameLocation: 'middle', nameGap: 28, minInterval: 1 };
      o.yAxis = { type: 'value', name: 'reward', scale: true };
      o.series = series;
      figure('recovery-' + s, o);
      add(table(['method', 'episodes', 'change step', 'mean recovery steps'], rows, [false, true, true, true]));
    });
    data.runs.forEach(function (r) { if (r.recovery.length === 0) { missing(r.name + ': ' + r.missing.recovery); } });
  }

  function provenance() {
    add(el('h2', null, ['Provenance']));
    add(table(['tool', 'version'], [['mbmrl', data.versions.mbmrl], ['Java', data.versions.java],
      ['Spark', data.versions.spark], ['ECharts', data.versions.echarts]]));
    data.runs.forEach(function (r) {
      var p = r.provenance;
      add(el('h3', null, ['run ' + r.name]));
      if (r.missing.provenance) { missing(r.name + ': ' + r.missing.provenance); }
      var files = Object.keys(p.checkpointFiles || {}).map(function (f) { return f + '  sha256 ' + p.checkpointFiles[f]; });
      var mono = function (t) { return t === null || t === undefined ? '-' : el('span', { 'class': 'mono' }, [String(t)]); };
      add(table(['field', 'value'], [
        ['run directory', mono(r.location)], ['algorithm', p.algorithm], ['checkpoint', p.checkpoint],
        ['checkpoint iteration', p.checkpointIteration], ['written by', p.createdBy],
        ['dataset', mono(p.datasetLocation)], ['dataset fingerprint (sha256)', mono(p.datasetFingerprint)],
        ['dataset round', p.datasetRound], ['seeds (run, init)', p.runSeed === null ? '-' : p.runSeed + ', ' + p.initSeed],
        ['model', p.model], ['optimizer', mono(p.optimizer)], ['checkpoint files', files.length ? mono(files.join('\n')) : '-']]));
      add(el('details', null, [el('summary', null, ['config.yaml (the effective config)']), el('pre', null, [p.configYaml])]));
    });
  }

  // The render check: every figure's largest canvas, its size, painted (non-transparent) pixels and colours.
  function check() {
    var figures = charts.map(function (c) {
      var best = null;
      Array.prototype.forEach.call(c.div.getElementsByTagName('canvas'), function (cv) {
        if (!best || cv.width * cv.height > best.width * best.height) { best = cv; }
      });
      var f = { id: c.id, width: best ? best.width : 0, height: best ? best.height : 0, painted: 0, colors: 0 };
      if (best && best.width > 0 && best.height > 0) {
        var px = best.getContext('2d').getImageData(0, 0, best.width, best.height).data;
        var seen = {};
        for (var i = 0; i < px.length; i += 4) {
          if (px[i + 3] > 0) {
            f.painted++;
            if (f.colors < 4096) {
              var key = (px[i] << 16) | (px[i + 1] << 8) | px[i + 2];
              if (!seen[key]) { seen[key] = true; f.colors++; }
            }
          }
        }
      }
      f.ok = f.width > 0 && f.height > 0 && f.painted > 1000 && f.colors >= 3;
      return f;
    });
    status.figures = figures;
    status.done = true;
    status.ok = status.errors.length === 0 && figures.length === status.expected.length
      && figures.every(function (f) { return f.ok; });
    document.getElementById('render-status').textContent = JSON.stringify(status);
    document.documentElement.setAttribute('data-render', status.ok ? 'ok' : 'failed');
    var foot = document.getElementById('render-footer');
    if (foot) {
      foot.textContent = status.ok ? 'Render check: all ' + figures.length + ' figures drawn, no script errors.'
        : 'Render check FAILED: ' + figures.filter(function (f) { return !f.ok; }).map(function (f) { return f.id; })
          .concat(status.errors).join('; ');
    }
  }

  try {
    if (typeof echarts === 'undefined') { throw new Error('the inlined ECharts did not load'); }
    data = JSON.parse(document.getElementById('report-data').textContent);
    header();
    [training, adaptation, control, recovery, provenance].forEach(function (section) {
      try { section(); } catch (e) { status.errors.push(section.name + ': ' + (e && e.stack ? e.stack : String(e))); }
    });
    add(el('footer', { id: 'render-footer' }, ['Render check pending.']));
  } catch (e) {
    status.errors.push(e && e.stack ? e.stack : String(e));
  }
  Promise.all(charts.map(function (c) { return c.finished; })).then(function () {
    setTimeout(check, 50);
  });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.chart.resize(); }); });
})();

/** The console's stylesheet: readable on a tablet, large touch targets. */
export const CONSOLE_CSS = `
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #1f2328; font: 16px/1.5 -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
header { background: #1f2d3d; color: #fff; padding: 10px 16px; display: flex; flex-wrap: wrap; align-items: center; gap: 12px; }
header h1 { font-size: 18px; margin: 0 16px 0 0; }
nav { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; flex: 1; }
nav a { color: #fff; text-decoration: none; padding: 8px 12px; border-radius: 6px; background: rgba(255,255,255,.1); }
nav .who { margin-left: auto; opacity: .85; font-size: 14px; }
nav form button { background: none; border: 1px solid rgba(255,255,255,.5); color: #fff; }
main { padding: 16px; max-width: 1280px; margin: 0 auto; }
h2 { margin: 4px 0 12px; font-size: 20px; }
h3 { margin: 0 0 8px; font-size: 16px; }
.card { background: #fff; border-radius: 8px; padding: 14px 16px; margin: 0 0 14px; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
.login { max-width: 360px; margin: 40px auto; display: grid; gap: 12px; }
label { display: inline-flex; flex-direction: column; gap: 4px; font-size: 14px; color: #555; }
input, select, button { font: inherit; padding: 8px 10px; border: 1px solid #c9ced6; border-radius: 6px; min-height: 44px; }
button { background: #2f6feb; color: #fff; border-color: #2f6feb; cursor: pointer; }
button.danger { background: #d1242f; border-color: #d1242f; }
.filters { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 12px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { padding: 10px 8px; border-bottom: 1px solid #eceef1; text-align: left; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.funnel { max-width: 520px; }
.badge { padding: 2px 10px; border-radius: 12px; font-size: 14px; }
.badge.on { background: #dafbe1; color: #116329; }
.badge.off { background: #ffebe9; color: #a40e26; }
.error { color: #a40e26; }
.ok { color: #116329; }
.pre { white-space: pre-wrap; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; margin-bottom: 12px; }
.charts div { position: relative; height: 280px; }
`;

/**
 * The console's script (served from /assets, so the pages run under a CSP without inline scripts): the live
 * status of the mirror page and the mirrors list, the funnel charts (Chart.js, served locally), and
 * confirmations before a revocation.
 */
export const CONSOLE_JS = `
(function () {
  var dataEl = document.getElementById('page-data');
  var data = dataEl ? JSON.parse(dataEl.textContent) : {};
  var fmt = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  function when(iso) { return iso ? fmt.format(new Date(iso)) : '—'; }
  function paint(root, m) {
    var on = root.querySelector('[data-field="online"]');
    if (on) { on.textContent = m.online ? '在线' : '离线'; on.className = 'badge ' + (m.online ? 'on' : 'off'); }
    var s = root.querySelector('[data-field="inSession"]'); if (s) s.textContent = m.inSession ? '是' : '否';
    var p = root.querySelector('[data-field="lastPhotoAt"]'); if (p) p.textContent = when(m.lastPhotoAt);
    var f = root.querySelector('[data-field="lastFrameAt"]'); if (f) f.textContent = when(m.lastFrameAt);
  }
  function poll(url, ms, apply) {
    var tick = function () {
      fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) { if (body) apply(body); })
        .catch(function () {})
        .then(function () { setTimeout(tick, ms); });
    };
    setTimeout(tick, ms);
  }
  if (data.page === 'mirror') {
    poll('/api/mirrors/' + encodeURIComponent(data.mirrorId), 5000, function (body) {
      paint(document.getElementById('live'), body.mirror);
      document.querySelectorAll('#today [data-metric]').forEach(function (cell) {
        var k = cell.dataset.metric, t = body.today.total;
        var v = k === 'scansSession' ? t.scans.session : k === 'scansPermanent' ? t.scans.permanent : k === 'scansProduct' ? t.scans.product : t[k];
        cell.textContent = v === null || v === undefined ? '—' : (/Seconds$/.test(k) ? v + ' 秒' : String(v));
      });
    });
  }
  if (data.page === 'mirrors') {
    poll('/api/mirrors', 10000, function (body) {
      body.mirrors.forEach(function (m) {
        var row = document.querySelector('tr[data-mirror="' + CSS.escape(m.mirrorId) + '"]');
        if (row) paint(row, m);
      });
    });
  }
  if (data.page === 'funnel' && window.Chart) {
    var t = data.total;
    new Chart(document.getElementById('funnel-chart'), {
      type: 'bar',
      data: { labels: ['会话', '展示二维码', '扫码', '认领', '确认绑定'],
        datasets: [{ label: '人次', backgroundColor: '#2f6feb',
          data: [t.sessionsStarted, t.sessionsWithQr, t.scans.session + t.scans.permanent + t.scans.product, t.claims, t.confirmations] }] },
      options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } }
    });
    var days = data.days;
    var line = function (label, color, get) { return { label: label, borderColor: color, backgroundColor: color, data: days.map(function (d) { return get(d.metrics); }) }; };
    new Chart(document.getElementById('daily-chart'), {
      type: 'line',
      data: { labels: days.map(function (d) { return d.day; }), datasets: [
        line('会话', '#2f6feb', function (m) { return m.sessionsStarted; }),
        line('扫码', '#bf8700', function (m) { return m.scans.session + m.scans.permanent + m.scans.product; }),
        line('确认绑定', '#1a7f37', function (m) { return m.confirmations; }),
        line('新增关注', '#8250df', function (m) { return m.newFollowers; })] },
      options: { maintainAspectRatio: false, animation: false }
    });
  }
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (e) { if (!confirm(form.dataset.confirm)) e.preventDefault(); });
  });
})();
`;

import type { StatsGetResponse, StatsMetrics } from '@mirror/contracts';
import type { StaffSession } from '../auth/staff-session';
import type { MirrorView } from './mirror-view';

/** Escapes text for HTML. */
export const esc = (s: unknown) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const timeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
/** A time as staff in China read it; "—" for none. */
export const when = (iso: string | null | undefined) => (iso ? timeFormat.format(new Date(iso)) : '—');

/** The funnel's figures, in the order and with the names staff see. */
export const METRICS: {
  key: string;
  label: string;
  get: (m: StatsMetrics) => number | null;
  unit?: string;
}[] = [
  { key: 'sessionsStarted', label: '会话', get: (m) => m.sessionsStarted },
  { key: 'sessionsWithQr', label: '展示二维码', get: (m) => m.sessionsWithQr },
  { key: 'scansSession', label: '扫码（会话码）', get: (m) => m.scans.session },
  { key: 'scansPermanent', label: '扫码（镜框码）', get: (m) => m.scans.permanent },
  { key: 'scansProduct', label: '扫码（商品码）', get: (m) => m.scans.product },
  { key: 'newFollowers', label: '新增关注', get: (m) => m.newFollowers },
  { key: 'unsubscribedWithin7Days', label: '7 日内取关', get: (m) => m.unsubscribedWithin7Days },
  { key: 'claims', label: '认领', get: (m) => m.claims },
  { key: 'confirmations', label: '确认绑定', get: (m) => m.confirmations },
  { key: 'photosTaken', label: '拍照', get: (m) => m.photosTaken },
  { key: 'photosDeletedByCustomers', label: '顾客删除照片', get: (m) => m.photosDeletedByCustomers },
  {
    key: 'sessionLengthP50Seconds',
    label: '会话时长中位数',
    get: (m) => m.sessionLengthP50Seconds,
    unit: '秒',
  },
  { key: 'qrToScanP50Seconds', label: '展示→扫码 P50', get: (m) => m.qrToScanP50Seconds, unit: '秒' },
  { key: 'qrToScanP90Seconds', label: '展示→扫码 P90', get: (m) => m.qrToScanP90Seconds, unit: '秒' },
];

function layout(title: string, staff: StaffSession | null, body: string, data?: unknown): string {
  const nav = staff
    ? `<nav><a href="/mirrors">镜子</a><a href="/funnel">转化漏斗</a>${
        staff.role === 'operator' ? '<a href="/fleet">镜子登记</a>' : ''
      }<span class="who">${esc(staff.username)}（${staff.role === 'operator' ? '运营' : `店长 · ${esc(staff.storeId)}`}）</span>
      <form method="post" action="/logout"><button>退出</button></form></nav>`
    : '';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)} · 试衣镜管理后台</title>
<link rel="stylesheet" href="/assets/console.css">${staff ? `<meta name="csrf-token" content="${esc(staff.csrf)}">` : ''}</head>
<body><header><h1>试衣镜管理后台</h1>${nav}</header><main><h2>${esc(title)}</h2>${body}</main>
${data === undefined ? '' : `<script type="application/json" id="page-data">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>`}
<script src="/assets/chart.umd.min.js"></script><script src="/assets/console.js"></script></body></html>`;
}

export function renderLogin(o: { csrf: string; next: string; error?: string }): string {
  return layout(
    '登录',
    null,
    `<form method="post" action="/login" class="card login">
      ${o.error ? `<p class="error" role="alert">${esc(o.error)}</p>` : ''}
      <input type="hidden" name="_csrf" value="${esc(o.csrf)}"><input type="hidden" name="next" value="${esc(o.next)}">
      <label>用户名<input name="username" autocomplete="username" required autofocus></label>
      <label>密码<input name="password" type="password" autocomplete="current-password" required></label>
      <button type="submit">登录</button></form>`,
  );
}

export function renderMessage(staff: StaffSession | null, title: string, text: string): string {
  return layout(title, staff, `<p class="card">${esc(text)}</p>`);
}

const status = (m: MirrorView) =>
  `<span class="badge ${m.online ? 'on' : 'off'}" data-field="online">${m.online ? '在线' : '离线'}</span>`;

export function renderMirrors(staff: StaffSession, mirrors: MirrorView[], today: StatsGetResponse): string {
  const byMirror = new Map(today.rows.map((r) => [r.mirrorId, r.metrics]));
  const rows = mirrors
    .map((m) => {
      const t = byMirror.get(m.mirrorId);
      return `<tr data-mirror="${esc(m.mirrorId)}"><td><a href="/mirrors/${esc(m.mirrorId)}">${esc(m.mirrorId)}</a></td>
        <td>${esc(m.storeName ?? m.storeId ?? '未登记')}</td><td>${status(m)}</td>
        <td data-field="inSession">${m.inSession ? '是' : '否'}</td><td data-field="lastPhotoAt">${when(m.lastPhotoAt)}</td>
        <td>${esc(m.version ?? '未上报')}</td><td class="num">${t?.sessionsStarted ?? 0}</td>
        <td class="num">${t ? t.scans.session + t.scans.permanent + t.scans.product : 0}</td>
        <td class="num">${t?.confirmations ?? 0}</td><td>${m.registered ? (m.revoked ? '已吊销' : '已登记') : '未登记'}</td>
        <td>${codeLinks(m)}</td></tr>`;
    })
    .join('');
  return layout(
    '镜子',
    staff,
    `<div class="scroll"><table class="list" id="mirrors"><thead><tr><th>镜子</th><th>门店</th><th>状态</th><th>会话中</th>
      <th>最近拍照</th><th>版本</th><th>今日会话</th><th>今日扫码</th><th>今日绑定</th><th>登记</th><th>镜框码</th></tr></thead>
      <tbody>${rows || '<tr><td colspan="11">还没有镜子</td></tr>'}</tbody></table></div>`,
    { page: 'mirrors' },
  );
}

const codeLinks = (m: MirrorView) =>
  m.codeUrls
    ? `<a href="${esc(m.codeUrls.png)}" download>PNG</a> · <a href="${esc(m.codeUrls.svg)}" download>SVG</a>`
    : '—';

function metricTable(metrics: StatsMetrics, id: string): string {
  return `<table class="funnel" id="${id}">${METRICS.map((d) => {
    const v = d.get(metrics);
    return `<tr><th>${d.label}</th><td class="num" data-metric="${d.key}">${v === null ? '—' : v}${v !== null && d.unit ? ` ${d.unit}` : ''}</td></tr>`;
  }).join('')}</table>`;
}

export function renderMirror(staff: StaffSession, m: MirrorView, today: StatsGetResponse): string {
  return layout(
    `镜子 ${m.mirrorId}`,
    staff,
    `<section class="card" id="live"><h3>实时状态 <small>（每 5 秒自动刷新）</small></h3>
      <p>门店：${esc(m.storeName ?? m.storeId ?? '未登记')}&emsp;状态：${status(m)}&emsp;会话中：<b data-field="inSession">${m.inSession ? '是' : '否'}</b>
      &emsp;最近画面：<span data-field="lastFrameAt">${when(m.lastFrameAt)}</span>&emsp;最近拍照：<span data-field="lastPhotoAt">${when(m.lastPhotoAt)}</span>
      &emsp;版本：${esc(m.version ?? '未上报')}&emsp;镜框码：${codeLinks(m)}</p></section>
     <section class="card"><h3>今日漏斗（${esc(today.from)}）</h3>${metricTable(today.total, 'today')}</section>`,
    { page: 'mirror', mirrorId: m.mirrorId },
  );
}

export function renderFunnel(
  staff: StaffSession,
  o: { from: string; to: string; storeId?: string; stores: { storeId: string; name: string | null }[] },
  byDay: StatsGetResponse,
  byStore: StatsGetResponse | null,
): string {
  const options = o.stores
    .map(
      (s) =>
        `<option value="${esc(s.storeId)}"${s.storeId === o.storeId ? ' selected' : ''}>${esc(s.name ?? s.storeId)}</option>`,
    )
    .join('');
  const storeSelect =
    staff.role === 'operator'
      ? `<label>门店<select name="store"><option value="">全部门店</option>${options}</select></label>`
      : `<input type="hidden" name="store" value="${esc(staff.storeId)}">`;
  const storeName = (id: string | null | undefined) =>
    id ? (o.stores.find((s) => s.storeId === id)?.name ?? id) : '未归属门店';
  const scope = o.storeId
    ? `门店 ${esc(o.stores.find((s) => s.storeId === o.storeId)?.name ?? o.storeId)}`
    : '全部门店';
  const storeRows = byStore
    ? `<section class="card"><h3>各门店</h3><div class="scroll"><table class="list" id="stores"><thead><tr><th>门店</th>${METRICS.map((d) => `<th>${d.label}</th>`).join('')}</tr></thead><tbody>${byStore.rows
        .map(
          (r) =>
            `<tr><td>${esc(storeName(r.storeId))}</td>${METRICS.map((d) => `<td class="num">${d.get(r.metrics) ?? '—'}</td>`).join('')}</tr>`,
        )
        .join('')}</tbody></table></div></section>`
    : '';
  const csv = `/api/stats.csv?from=${esc(o.from)}&amp;to=${esc(o.to)}&amp;by=day${o.storeId ? `&amp;store=${esc(o.storeId)}` : ''}`;
  return layout(
    '转化漏斗',
    staff,
    `<form method="get" action="/funnel" class="card filters"><label>从<input type="date" name="from" value="${esc(o.from)}"></label>
      <label>到<input type="date" name="to" value="${esc(o.to)}"></label>${storeSelect}<button type="submit">查看</button>
      <a href="${csv}">导出 CSV</a></form>
     <section class="card"><h3>${scope}：${esc(o.from)} 至 ${esc(o.to)}</h3>
      <div class="charts"><div><canvas id="funnel-chart" aria-label="漏斗"></canvas></div><div><canvas id="daily-chart" aria-label="每日"></canvas></div></div>
      ${metricTable(byDay.total, 'total')}</section>${storeRows}`,
    { page: 'funnel', total: byDay.total, days: byDay.rows.map((r) => ({ day: r.day, metrics: r.metrics })) },
  );
}

export function renderFleet(
  staff: StaffSession,
  mirrors: MirrorView[],
  result?: { ok: boolean; text: string },
): string {
  const rows = mirrors
    .map(
      (
        m,
      ) => `<tr><td>${esc(m.mirrorId)}</td><td>${esc(m.storeId ?? '—')}</td><td>${m.registered ? (m.revoked ? '已吊销' : '已登记') : '未登记'}</td>
      <td>${m.registered && !m.revoked ? `<form method="post" action="/fleet/revoke" data-confirm="确定吊销 ${esc(m.mirrorId)} 的凭证吗？吊销后镜子会立即断开。"><input type="hidden" name="_csrf" value="${esc(staff.csrf)}"><input type="hidden" name="mirrorId" value="${esc(m.mirrorId)}"><button class="danger">吊销</button></form>` : ''}</td></tr>`,
    )
    .join('');
  return layout(
    '镜子登记',
    staff,
    `${result ? `<p class="card ${result.ok ? 'ok' : 'error'}" role="status"><span class="pre">${esc(result.text)}</span></p>` : ''}
     <form method="post" action="/fleet/register" class="card filters"><input type="hidden" name="_csrf" value="${esc(staff.csrf)}">
      <label>镜子编号<input name="mirrorId" pattern="[a-z0-9-]{1,64}" required></label>
      <label>门店编号<input name="storeId" pattern="[a-z0-9-]{1,64}" required></label>
      <label>门店名称<input name="storeName" maxlength="100"></label><button type="submit">登记（签发新凭证）</button></form>
     <div class="scroll"><table class="list"><thead><tr><th>镜子</th><th>门店</th><th>登记</th><th></th></tr></thead><tbody>${rows}</tbody></table></div>`,
  );
}

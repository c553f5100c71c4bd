import type { GalleryGetResponse } from '@mirror/contracts';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
  * { box-sizing: border-box; -webkit-tap-highlight-color: transparent; }
  body { margin: 0; background: #f5f5f5; color: #222; font: 15px/1.5 -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
  header { background: #fff; padding: 16px; border-bottom: 1px solid #eee; position: sticky; top: 0; z-index: 2; }
  header h1 { margin: 0; font-size: 18px; font-weight: 600; }
  header p { margin: 4px 0 0; color: #888; font-size: 13px; }
  section { margin: 12px 0; background: #fff; padding: 12px; }
  section h2 { margin: 0 0 10px; font-size: 14px; font-weight: 500; color: #555; }
  .grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 4px; }
  .grid figure { margin: 0; position: relative; aspect-ratio: 3 / 4; background: #eee; overflow: hidden; border-radius: 4px; }
  .grid img { width: 100%; height: 100%; object-fit: cover; display: block; }
  .grid figcaption { position: absolute; left: 0; right: 0; bottom: 0; padding: 2px 6px; font-size: 12px; color: #fff; background: linear-gradient(transparent, rgba(0,0,0,.6)); }
  .grid .star { position: absolute; top: 2px; right: 6px; color: #f5b301; font-size: 20px; text-shadow: 0 1px 3px rgba(0,0,0,.5); }
  .grid figure:not([data-favourite=true]) .star { display: none; }
  section h2 { display: flex; justify-content: space-between; align-items: center; }
  section h2 button { flex: none; white-space: nowrap; font-size: 13px; border: 1px solid #ccc; background: #fff; border-radius: 14px; padding: 2px 12px; color: #333; }
  body.picking figure { outline: 2px dashed #2fa866; }
  body.picking figure.first { outline: 3px solid #2fa866; }
  #pick { position: fixed; left: 0; right: 0; top: 0; background: #2fa866; color: #fff; padding: 12px 16px; z-index: 3; display: none; justify-content: space-between; }
  body.picking #pick { display: flex; }
  #pick button { background: none; border: 1px solid #fff; color: #fff; border-radius: 14px; padding: 2px 12px; }
  #compare .pair { display: flex; gap: 4px; height: calc(100vh - 72px); }
  #compare figure { flex: 1; margin: 0; position: relative; }
  #compare figure img { height: 100%; object-fit: contain; }
  #compare figcaption { position: absolute; left: 0; right: 0; bottom: 0; text-align: center; padding: 6px; background: rgba(0,0,0,.5); }
  .empty { text-align: center; color: #888; padding: 48px 24px; }
  dialog { border: 0; padding: 0; width: 100vw; max-width: 100vw; height: 100vh; max-height: 100vh; background: rgba(0,0,0,.92); color: #fff; }
  dialog img { width: 100%; height: calc(100vh - 72px); object-fit: contain; display: block; }
  dialog .bar { display: flex; justify-content: space-around; padding: 12px; }
  dialog button, dialog a { color: #fff; background: none; border: 1px solid rgba(255,255,255,.4); border-radius: 18px; padding: 6px 18px; font-size: 15px; text-decoration: none; }
  dialog .danger { border-color: #f66; color: #f88; }
  .toast { position: fixed; left: 50%; bottom: 40px; transform: translateX(-50%); background: rgba(0,0,0,.8); color: #fff; padding: 8px 16px; border-radius: 6px; display: none; }
`;

const SCRIPT = `
  const dialog = document.getElementById('viewer');
  const big = document.getElementById('viewer-img');
  const save = document.getElementById('viewer-save');
  const fav = document.getElementById('viewer-favourite');
  const compare = document.getElementById('compare');
  let current = null, first = null;
  const label = (el) => '第 ' + el.dataset.look + ' 套' + (el.dataset.favourite === 'true' ? ' ★' : '');
  function showFavourite() { fav.textContent = current && current.dataset.favourite === 'true' ? '★ 已收藏' : '☆ 收藏'; }
  function stopPicking() { document.body.classList.remove('picking'); if (first) first.classList.remove('first'); first = null; }
  function pick(el) {
    if (!first) { first = el; el.classList.add('first'); return; }
    if (el === first) return;
    const pair = [first, el];
    ['a', 'b'].forEach((k, i) => {
      document.getElementById('compare-' + k).src = pair[i].dataset.display;
      document.getElementById('compare-' + k + '-label').textContent = label(pair[i]);
      document.getElementById('compare-' + k).dataset.photo = pair[i].dataset.photo;
    });
    stopPicking(); compare.showModal();
  }
  document.querySelectorAll('[data-photo]').forEach((el) => el.addEventListener('click', () => {
    if (document.body.classList.contains('picking')) return pick(el);
    current = el; big.src = el.dataset.display; save.href = el.dataset.display; showFavourite(); dialog.showModal();
  }));
  document.getElementById('viewer-close').addEventListener('click', () => dialog.close());
  document.getElementById('compare-close').addEventListener('click', () => compare.close());
  document.getElementById('pick-cancel').addEventListener('click', stopPicking);
  document.querySelectorAll('[data-compare]').forEach((b) => b.addEventListener('click', () => {
    stopPicking(); document.body.classList.add('picking');
  }));
  document.getElementById('viewer-compare').addEventListener('click', () => {
    const el = current; dialog.close(); stopPicking(); document.body.classList.add('picking'); pick(el);
  });
  function reorder(grid) {
    [...grid.children].sort((a, b) => (b.dataset.favourite === 'true') - (a.dataset.favourite === 'true') || a.dataset.look - b.dataset.look)
      .forEach((el) => grid.appendChild(el));
  }
  fav.addEventListener('click', async () => {
    if (!current) return;
    const on = current.dataset.favourite !== 'true';
    const res = await fetch('me/photos/' + encodeURIComponent(current.dataset.photo) + '/favourite', {
      method: on ? 'PUT' : 'DELETE', headers: { 'x-requested-with': 'fetch' }, credentials: 'same-origin' });
    if (!res.ok) return toast('操作失败，请稍后再试');
    current.dataset.favourite = String(on); showFavourite(); reorder(current.parentElement);
    toast(on ? '已收藏' : '已取消收藏');
  });
  function toast(text) { const t = document.getElementById('toast'); t.textContent = text; t.style.display = 'block'; setTimeout(() => t.style.display = 'none', 2000); }
  document.getElementById('viewer-delete').addEventListener('click', async () => {
    if (!current || !confirm('确定删除这张照片吗？删除后无法恢复。')) return;
    const res = await fetch('me/photos/' + encodeURIComponent(current.dataset.photo), {
      method: 'DELETE', headers: { 'x-requested-with': 'fetch' }, credentials: 'same-origin' });
    if (res.ok) {
      const section = current.closest('section');
      current.remove(); dialog.close(); toast('已删除');
      if (section && !section.querySelector('[data-photo]')) section.remove();
    } else { toast('删除失败，请稍后再试'); }
  });
`;

function page(title: string, body: string, script = ''): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${body}${script ? `<script>${script}</script>` : ''}</body></html>`;
}

const dateFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

type Visit = GalleryGetResponse['sessions'][number];

/** A visit's looks numbered in the order taken, favourites first. */
function looksOf(visit: Visit) {
  const inOrder = [...visit.photos]
    .sort((a, b) => a.takenAt.localeCompare(b.takenAt) || a.photoId.localeCompare(b.photoId))
    .map((p, i) => ({ ...p, look: i + 1 }));
  return [...inOrder.filter((p) => p.favourite), ...inOrder.filter((p) => !p.favourite)];
}

function renderVisit(s: Visit): string {
  const looks = looksOf(s);
  const favourites = looks.filter((p) => p.favourite).length;
  return `<section data-session="${escapeHtml(s.sessionId)}">
  <h2><span>${escapeHtml(dateFormat.format(new Date(s.startedAt)))} · 试衣镜 ${escapeHtml(s.mirrorId)} · ${looks.length} 套${
    favourites ? `，收藏 ${favourites} 套` : ''
  }</span>${looks.length >= 2 ? '<button type="button" data-compare>对比</button>' : ''}</h2>
  <div class="grid">${looks
    .map(
      (
        p,
      ) => `<figure data-photo="${escapeHtml(p.photoId)}" data-display="${escapeHtml(p.displayUrl)}" data-look="${p.look}" data-favourite="${p.favourite}">
    <img src="${escapeHtml(p.thumbUrl)}" alt="第 ${p.look} 套" loading="lazy"><span class="star" aria-label="收藏">★</span><figcaption>第 ${p.look} 套</figcaption></figure>`,
    )
    .join('')}</div>
</section>`;
}

/**
 * The customer's photos, grouped by visit (one session in front of one mirror), newest visit first; in a
 * visit the looks in the order taken, favourites first with a star. A photo opens big, with favourite,
 * compare (pick a second look: side by side), save and delete (confirmed).
 */
export function renderGallery(gallery: GalleryGetResponse): string {
  const visits = gallery.sessions.filter((s) => s.photos.length > 0);
  const count = visits.reduce((n, s) => n + s.photos.length, 0);
  const sections = visits.map(renderVisit).join('\n');
  const body = `<header><h1>我的试衣照片</h1><p>${count ? `共 ${count} 张 · 点开可查看大图、收藏、对比、保存或删除` : ''}</p></header>
${count ? sections : '<div class="empty">还没有照片。<br>在试衣镜前拍照后，用微信扫描镜子上的二维码即可领取。</div>'}
<div id="pick"><span>选择另一张照片进行对比</span><button id="pick-cancel" type="button">取消</button></div>
<dialog id="viewer"><img id="viewer-img" alt="大图"><div class="bar">
  <button id="viewer-close" type="button">返回</button>
  <button id="viewer-favourite" type="button">☆ 收藏</button>
  <button id="viewer-compare" type="button">对比</button>
  <a id="viewer-save" href="#" download>保存</a>
  <button id="viewer-delete" class="danger" type="button">删除</button></div></dialog>
<dialog id="compare"><div class="pair">
  <figure><img id="compare-a" alt="对比 1"><figcaption id="compare-a-label"></figcaption></figure>
  <figure><img id="compare-b" alt="对比 2"><figcaption id="compare-b-label"></figcaption></figure></div>
  <div class="bar"><button id="compare-close" type="button">返回</button></div></dialog>
<div id="toast" class="toast"></div>`;
  return page('我的试衣照片', body, SCRIPT);
}

/** A friendly page for everything that is not the gallery (no cookie, errors). */
export function renderMessage(title: string, message: string): string {
  return page(
    title,
    `<header><h1>${escapeHtml(title)}</h1></header><div class="empty">${escapeHtml(message)}</div>`,
  );
}

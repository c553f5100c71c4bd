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
  let current = null;
  document.querySelectorAll('[data-photo]').forEach((el) => el.addEventListener('click', () => {
    current = el; big.src = el.dataset.display; save.href = el.dataset.display; dialog.showModal();
  }));
  document.getElementById('viewer-close').addEventListener('click', () => dialog.close());
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

/** The customer's photos, grouped by visit (one session in front of one mirror), newest first. */
export function renderGallery(gallery: GalleryGetResponse): string {
  const visits = gallery.sessions.filter((s) => s.photos.length > 0);
  const count = visits.reduce((n, s) => n + s.photos.length, 0);
  const sections = visits
    .map(
      (s) => `<section data-session="${escapeHtml(s.sessionId)}">
  <h2>${escapeHtml(dateFormat.format(new Date(s.startedAt)))} · 试衣镜 ${escapeHtml(s.mirrorId)}</h2>
  <div class="grid">${s.photos
    .map(
      (p) => `<figure data-photo="${escapeHtml(p.photoId)}" data-display="${escapeHtml(p.displayUrl)}">
    <img src="${escapeHtml(p.thumbUrl)}" alt="试衣照片" loading="lazy"></figure>`,
    )
    .join('')}</div>
</section>`,
    )
    .join('\n');
  const body = `<header><h1>我的试衣照片</h1><p>${count ? `共 ${count} 张 · 点开可查看大图、保存或删除` : ''}</p></header>
${count ? sections : '<div class="empty">还没有照片。<br>在试衣镜前拍照后，用微信扫描镜子上的二维码即可领取。</div>'}
<dialog id="viewer"><img id="viewer-img" alt="大图"><div class="bar">
  <button id="viewer-close" type="button">返回</button>
  <a id="viewer-save" href="#" download>保存</a>
  <button id="viewer-delete" class="danger" type="button">删除</button></div></dialog>
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

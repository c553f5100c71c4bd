/**
 * The reference mirror screen (portrait 1080×1920), fed by SSE from ScreenServer. It renders the state it is
 * sent and nothing else: the QR code of the session (qr-issuer's display message) and the looks state
 * (binding's `mirror.<id>.looks`: looks strip, the look beside the live view or the compare view, stars,
 * countdown, pause, details). Gestures and photos only flash feedback; they are never replayed into state.
 * On a reconnect the server sends the whole state again, so the page recovers by itself.
 */
export const SCREEN_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=1080, initial-scale=1">
<title>试衣镜</title>
<style>
  :root { color-scheme: dark; --accent: #e8b04a; --ok: #2fa866; }
  * { box-sizing: border-box; }
  [hidden] { display: none !important; }
  body { margin: 0; width: 1080px; height: 1920px; overflow: hidden; background: #0d0d0f; color: #f4f4f4;
    font: 32px/1.4 "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; position: relative; }
  header { position: absolute; top: 0; left: 0; right: 0; height: 150px; padding: 40px 60px;
    display: flex; align-items: center; justify-content: space-between; }
  h1 { font-size: 52px; font-weight: 300; margin: 0; letter-spacing: 4px; }
  #status { font-size: 30px; color: #999; }
  #status.down { color: #f0a040; }
  #paused { position: absolute; top: 170px; left: 50%; transform: translateX(-50%); background: #c0392b;
    padding: 14px 44px; border-radius: 40px; font-size: 36px; z-index: 5; }
  /* idle: the attract screen */
  #idle { position: absolute; inset: 150px 0 260px 0; display: flex; flex-direction: column; align-items: center;
    justify-content: center; text-align: center; }
  #idle .big { font-size: 84px; font-weight: 200; }
  #idle .sub { font-size: 40px; color: #999; margin-top: 30px; }
  #idle .pulse { width: 260px; height: 260px; border-radius: 50%; border: 4px solid var(--accent); margin-bottom: 80px;
    animation: pulse 2.4s ease-in-out infinite; }
  @keyframes pulse { 0%, 100% { transform: scale(.85); opacity: .4 } 50% { transform: scale(1); opacity: 1 } }
  /* the QR card: large before the first look, small in a corner after */
  #qr-card { position: absolute; background: #fff; color: #111; border-radius: 32px; text-align: center; z-index: 4;
    top: 220px; left: 180px; width: 720px; padding: 44px; transition: all .4s; }
  #qr-card .title { font-size: 40px; margin-bottom: 16px; }
  #qr svg { width: 620px; height: 620px; display: block; margin: 0 auto; }
  #expiry { font-size: 28px; color: #555; margin-top: 10px; }
  #qr-card.compact { top: 150px; left: auto; right: 40px; width: 250px; padding: 16px; border-radius: 20px; }
  #qr-card.compact .title { font-size: 22px; margin-bottom: 6px; }
  #qr-card.compact #qr svg { width: 218px; height: 218px; }
  #qr-card.compact #expiry { font-size: 18px; }
  /* the stage: live view beside the current look, or two looks side by side */
  #stage { position: absolute; top: 520px; left: 40px; right: 40px; height: 980px; display: flex; gap: 24px; }
  .pane { flex: 1; position: relative; border-radius: 24px; overflow: hidden; background: #1b1b20;
    display: flex; align-items: center; justify-content: center; }
  .pane img { width: 100%; height: 100%; object-fit: cover; }
  .pane .label { position: absolute; left: 0; right: 0; bottom: 0; padding: 16px 24px; font-size: 30px;
    background: linear-gradient(transparent, rgba(0,0,0,.75)); }
  .pane .star { position: absolute; top: 16px; right: 22px; font-size: 64px; color: var(--accent);
    text-shadow: 0 2px 8px rgba(0,0,0,.6); }
  .pane .placeholder { font-size: 120px; color: #444; }
  #stage.compare .pane { outline: 4px solid var(--accent); }
  /* countdown */
  #countdown { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; z-index: 6;
    background: rgba(0,0,0,.35); }
  #countdown span { font-size: 520px; font-weight: 200; color: #fff; text-shadow: 0 0 60px rgba(0,0,0,.8); }
  #countdown.flash { background: #fff; }
  /* details */
  #details { position: absolute; left: 80px; right: 80px; top: 1180px; background: rgba(20,20,26,.92); z-index: 5;
    border: 2px solid #444; border-radius: 24px; padding: 28px 36px; font-size: 32px; }
  #details h2 { margin: 0 0 10px; font-size: 36px; font-weight: 400; }
  #details ul { margin: 8px 0 0; padding-left: 36px; }
  /* the looks strip */
  #strip { position: absolute; left: 40px; right: 40px; top: 1530px; height: 170px; display: flex; gap: 18px;
    overflow: hidden; }
  #strip .look { position: relative; width: 128px; height: 170px; border-radius: 14px; overflow: hidden;
    background: #222; flex: none; border: 4px solid transparent; }
  #strip .look img { width: 100%; height: 100%; object-fit: cover; }
  #strip .look .n { position: absolute; left: 8px; bottom: 4px; font-size: 26px; text-shadow: 0 1px 4px #000; }
  #strip .look .star { position: absolute; top: 2px; right: 8px; font-size: 34px; color: var(--accent); }
  #strip .look[data-current=true] { border-color: #fff; }
  #strip .look.pending { border: 4px dashed #777; display: flex; align-items: center; justify-content: center; }
  /* feedback, hints */
  #toast { position: absolute; top: 330px; left: 50%; transform: translate(-50%, -50%) scale(.85); opacity: 0;
    background: rgba(47,168,102,.94); padding: 30px 70px; border-radius: 28px; font-size: 50px; transition: all .2s;
    z-index: 7; white-space: nowrap; }
  #toast.show { opacity: 1; transform: translate(-50%, -50%) scale(1); }
  footer { position: absolute; left: 0; right: 0; bottom: 0; height: 210px; padding: 20px 60px;
    border-top: 1px solid #222; }
  ul#hints { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(4, 1fr);
    gap: 14px 20px; font-size: 28px; color: #ccc; white-space: nowrap; }
  #hints li.off { color: #555; }
</style>
</head>
<body>
  <header>
    <h1>智能试衣镜</h1>
    <div id="status" data-testid="status">连接中…</div>
  </header>
  <div id="paused" data-testid="paused" hidden>✋ 手势已暂停 · 再张开手掌继续</div>
  <div id="idle" data-testid="idle">
    <div class="pulse"></div>
    <div class="big">站到镜子前开始试衣</div>
    <div class="sub">点赞拍照 · 挥手换装 · 比耶收藏</div>
  </div>
  <div id="qr-card" data-testid="qr-card" hidden>
    <div class="title">微信扫码，领取试衣照片</div>
    <div id="qr" data-testid="qr"></div>
    <div id="expiry" data-testid="expiry"></div>
  </div>
  <div id="stage" data-testid="stage" hidden>
    <div class="pane" id="left" data-testid="left"></div>
    <div class="pane" id="right" data-testid="right"></div>
  </div>
  <div id="countdown" data-testid="countdown" hidden><span></span></div>
  <div id="details" data-testid="details" hidden></div>
  <div id="strip" data-testid="strip" hidden></div>
  <div id="toast" data-testid="gesture"></div>
  <footer>
    <ul id="hints" data-testid="hints">
      <li data-hint="thumbs_up">👍 点赞：倒数拍照</li>
      <li data-hint="swipe_left">👈 左挥：下一套</li>
      <li data-hint="swipe_right">👉 右挥：上一套</li>
      <li data-hint="fist">✊ 握拳：对比</li>
      <li data-hint="victory">✌️ 比耶：收藏</li>
      <li data-hint="pointing_up">☝️ 食指：详情</li>
      <li data-hint="open_palm">✋ 手掌：暂停/继续</li>
    </ul>
  </footer>
<script>
  var GESTURES = { swipe_left: '👈 下一套', swipe_right: '👉 上一套', thumbs_up: '👍 拍照', open_palm: '✋ 暂停/继续',
    victory: '✌️ 收藏', fist: '✊ 对比', pointing_up: '☝️ 详情' };
  var FEEDBACK = { countdown: '👍 准备拍照', 'photo-taken': '📸 已拍下', busy: '⏳ 正在倒计时', browsed: '',
    'first-look': '已是第一套', 'last-look': '已是最后一套', 'no-looks': '先点赞拍一张吧', 'compare-on': '✊ 对比',
    'compare-off': '✊ 退出对比', 'need-two-looks': '拍两套以上才能对比', favourited: '⭐ 已收藏',
    unfavourited: '☆ 已取消收藏', 'details-on': '☝️ 详情', 'details-off': '', paused: '✋ 已暂停', resumed: '✋ 已继续',
    'ignored-paused': '手势已暂停，张开手掌继续' };
  var $ = function (id) { return document.getElementById(id); };
  var state = null, expiresAt = null, toastTimer = null, lastCause = null, endsAt = null;
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  function time(iso) { var d = new Date(iso); return d.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit' }); }
  function toast(text, key) {
    if (!text) return;
    var el = $('toast'); el.textContent = text; el.dataset.gesture = key || ''; el.classList.add('show');
    clearTimeout(toastTimer); toastTimer = setTimeout(function () { el.classList.remove('show'); }, 1500);
  }
  function pane(el, look, index, label) {
    if (!look) {
      el.innerHTML = '<img data-testid="live" alt="" src="camera.jpg?t=' + Date.now() + '"><div class="label">实时镜像</div>';
      el.dataset.photoId = 'live'; return;
    }
    el.dataset.photoId = look.photoId;
    el.innerHTML = (look.displayUrl || look.thumbUrl ? '<img alt="" src="' + esc(look.displayUrl || look.thumbUrl) + '">'
      : '<div class="placeholder">' + (index + 1) + '</div>') +
      (look.favourite ? '<div class="star" data-testid="star">★</div>' : '') +
      '<div class="label">' + esc(label || ('第 ' + (index + 1) + ' 套')) + ' · ' + time(look.takenAt) + '</div>';
  }
  function render() {
    var d = state && state.display, L = state && state.looks;
    var inSession = !!(d && d.kind === 'qr') || !!(L && L.sessionId);
    var looks = (L && L.sessionId) ? L.looks : [];
    $('idle').hidden = inSession;
    $('qr-card').hidden = !(d && d.kind === 'qr');
    $('qr-card').classList.toggle('compact', looks.length > 0);
    if (d && d.kind === 'qr') { $('qr').innerHTML = state.qrSvg || ''; expiresAt = new Date(d.expiresAt); } else expiresAt = null;
    $('stage').hidden = looks.length === 0;
    $('strip').hidden = !inSession;
    $('paused').hidden = !(L && L.sessionId && L.paused);
    document.querySelectorAll('#hints li').forEach(function (li) {
      var h = li.dataset.hint;
      li.classList.toggle('off', (h === 'fist' && looks.length < 2) ||
        ((h === 'victory' || h === 'pointing_up' || h === 'swipe_left' || h === 'swipe_right') && looks.length === 0));
    });
    var byId = {}; looks.forEach(function (l, i) { byId[l.photoId] = i; });
    if (looks.length) {
      var cur = byId[L.current] !== undefined ? byId[L.current] : looks.length - 1;
      var cmp = L.compare;
      $('stage').classList.toggle('compare', !!cmp);
      $('stage').dataset.mode = cmp ? 'compare-' + cmp.with : 'browse';
      if (cmp) {
        pane($('left'), looks[byId[cmp.left]], byId[cmp.left]);
        if (cmp.right && byId[cmp.right] !== undefined) pane($('right'), looks[byId[cmp.right]], byId[cmp.right], '收藏 · 第 ' + (byId[cmp.right] + 1) + ' 套');
        else pane($('right'), null);
      } else {
        pane($('left'), null);
        pane($('right'), looks[cur], cur);
      }
    }
    var strip = '';
    looks.forEach(function (l, i) {
      strip += '<div class="look" data-testid="look" data-photo-id="' + esc(l.photoId) + '" data-current="' + (l.photoId === L.current) +
        '" data-favourite="' + l.favourite + '">' + (l.thumbUrl ? '<img alt="" src="' + esc(l.thumbUrl) + '">' : '') +
        '<span class="n">' + (i + 1) + '</span>' + (l.favourite ? '<span class="star" data-testid="strip-star">★</span>' : '') + '</div>';
    });
    if (L && L.countdown) strip += '<div class="look pending" data-testid="look-pending">📷</div>';
    $('strip').innerHTML = strip;
    var det = L && L.details;
    $('details').hidden = !det;
    if (det) {
      $('details').innerHTML = '<h2>第 ' + ((byId[det.photoId] || 0) + 1) + ' 套 · 拍摄于 ' + time(det.takenAt) + '</h2>' +
        (det.products.length ? '关联商品：<ul>' + det.products.map(function (p) { return '<li>' + esc(p.code) + '</li>'; }).join('') + '</ul>'
          : '<div style="color:#999">扫描衣服上的商品码，可在这里看到商品</div>');
    }
    endsAt = L && L.countdown ? new Date(L.countdown.endsAt).getTime() : null;
    if (L && L.cause && L.cause.commandId !== lastCause) {
      lastCause = L.cause.commandId;
      if (L.feedback) toast(FEEDBACK[L.feedback], L.cause.gesture);
    } else if (L && !L.cause && L.feedback === 'photo-taken' && lastCause !== 'photo:' + L.version) {
      lastCause = 'photo:' + L.version; toast(FEEDBACK['photo-taken'], 'photo');
    }
    tick();
  }
  function tick() {
    if (!expiresAt) $('expiry').textContent = '';
    else {
      var s = Math.max(0, Math.round((expiresAt - Date.now()) / 1000)), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
      $('expiry').textContent = s > 0 ? '二维码有效期 ' + (h ? h + ' 小时 ' : '') + m + ' 分钟' : '二维码已过期';
    }
    var left = endsAt === null ? null : Math.ceil((endsAt - Date.now()) / 1000);
    $('countdown').hidden = left === null || left < 0;
    $('countdown').classList.toggle('flash', left !== null && left <= 0);
    $('countdown').firstChild.textContent = left > 0 ? String(left) : '';
    $('countdown').dataset.seconds = left === null ? '' : String(Math.max(left, 0));
  }
  setInterval(tick, 100);
  setInterval(function () {
    var live = document.querySelector('[data-testid=live]');
    if (live) live.src = 'camera.jpg?t=' + Date.now();
  }, 500);
  var events = new EventSource('events');
  events.onopen = function () { $('status').textContent = '已连接'; $('status').classList.remove('down'); };
  events.addEventListener('state', function (e) {
    state = JSON.parse(e.data);
    var d = state.display;
    $('status').textContent = d && d.kind === 'qr' ? '欢迎试衣' : '等待顾客'; $('status').classList.remove('down');
    render();
  });
  events.addEventListener('gesture', function (e) {
    var g = JSON.parse(e.data);
    // the state message that follows says what the gesture did; this only shows it was seen
    if (!(state && state.looks && state.looks.sessionId)) toast(GESTURES[g.gesture] || g.gesture, g.gesture);
    var el = $('toast'); el.dataset.gesture = g.gesture;
  });
  events.addEventListener('notice', function (e) { toast(JSON.parse(e.data).text, 'notice'); });
  events.onerror = function () { $('status').textContent = '连接中断，正在重连…'; $('status').classList.add('down'); };
</script>
</body>
</html>`;

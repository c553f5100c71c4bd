/** The reference mirror screen: portrait, large QR, gesture hints and live feedback, fed by SSE. */
export const SCREEN_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>试衣镜</title>
<style>
  :root { color-scheme: dark; }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; background: #111; color: #f4f4f4;
    font: 32px/1.4 "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
    display: flex; flex-direction: column; align-items: center; justify-content: space-between; padding: 80px 60px; }
  h1 { font-size: 64px; font-weight: 300; margin: 0; text-align: center; }
  #status { font-size: 40px; color: #bbb; margin-top: 16px; text-align: center; }
  #qr-card { background: #fff; border-radius: 32px; padding: 48px; width: 720px; text-align: center; color: #111; }
  #qr-card[hidden] { display: none; }
  #qr svg { width: 620px; height: 620px; }
  #expiry { font-size: 30px; color: #555; margin-top: 12px; }
  #idle { font-size: 44px; color: #888; text-align: center; }
  #idle[hidden] { display: none; }
  ul#hints { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: 1fr 1fr; gap: 20px 60px; font-size: 34px; }
  #hints li span { display: inline-block; width: 64px; }
  #gesture { position: fixed; top: 19%; left: 50%; transform: translate(-50%, -50%) scale(.8); opacity: 0;
    background: rgba(40,160,90,.92); padding: 40px 80px; border-radius: 28px; font-size: 56px; transition: all .25s; }
  #gesture.show { opacity: 1; transform: translate(-50%, -50%) scale(1); }
  #photos { font-size: 30px; color: #9c9; min-height: 42px; }
</style>
</head>
<body>
  <header>
    <h1>智能试衣镜</h1>
    <div id="status" data-testid="status">连接中…</div>
  </header>
  <main>
    <div id="idle" data-testid="idle">站到镜子前开始试衣</div>
    <div id="qr-card" data-testid="qr-card" hidden>
      <div style="font-size:40px;margin-bottom:16px">微信扫码，领取试衣照片</div>
      <div id="qr" data-testid="qr"></div>
      <div id="expiry" data-testid="expiry"></div>
    </div>
    <div id="photos" data-testid="photos"></div>
  </main>
  <footer>
    <ul id="hints">
      <li><span>👈</span>左挥：下一套</li><li><span>👉</span>右挥：上一套</li>
      <li><span>👍</span>点赞：拍照</li><li><span>✋</span>张开手掌：暂停</li>
      <li><span>✌️</span>比耶：收藏</li><li><span>☝️</span>食指向上：详情</li>
    </ul>
  </footer>
  <div id="gesture" data-testid="gesture"></div>
<script>
  const NAMES = { swipe_left: '👈 下一套', swipe_right: '👉 上一套', thumbs_up: '👍 拍照', open_palm: '✋ 暂停',
    victory: '✌️ 收藏', fist: '✊ 确认', pointing_up: '☝️ 详情' };
  const $ = (id) => document.getElementById(id);
  let expiresAt = null, photos = 0, gestureTimer;
  function render(state) {
    const d = state.display;
    if (d && d.kind === 'qr') {
      $('qr-card').hidden = false; $('idle').hidden = true;
      $('qr').innerHTML = state.qrSvg || '';
      expiresAt = new Date(d.expiresAt);
      $('status').textContent = '欢迎试衣';
    } else {
      $('qr-card').hidden = true; $('idle').hidden = false; expiresAt = null; photos = 0;
      $('status').textContent = d && d.kind === 'notice' ? d.text : '等待顾客';
      $('photos').textContent = '';
    }
    tick();
  }
  function tick() {
    if (!expiresAt) { $('expiry').textContent = ''; return; }
    const s = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    $('expiry').textContent = s > 0 ? '二维码有效期 ' + (h ? h + ' 小时 ' : '') + m + ' 分钟' : '二维码已过期';
  }
  setInterval(tick, 1000);
  const events = new EventSource('events');
  events.addEventListener('state', (e) => render(JSON.parse(e.data)));
  events.addEventListener('gesture', (e) => {
    const g = JSON.parse(e.data);
    const el = $('gesture');
    el.textContent = NAMES[g.gesture] || g.gesture;
    el.dataset.gesture = g.gesture;
    el.classList.add('show');
    clearTimeout(gestureTimer);
    gestureTimer = setTimeout(() => el.classList.remove('show'), 1500);
  });
  events.addEventListener('photo', () => { photos++; $('photos').textContent = '已拍摄 ' + photos + ' 张照片'; });
  events.onerror = () => { $('status').textContent = '连接中断，正在重连…'; };
</script>
</body>
</html>`;

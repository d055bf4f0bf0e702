'use strict';
// The chat page: one WebSocket to <page directory>/chat, speaking protocol v1 (see README).
// User text only ever enters the page through textContent.
(() => {
  const $ = (id) => document.getElementById(id);
  const log = $('log');
  const scroller = $('scroller');
  const nameField = $('name');
  const messageField = $('message');
  const sendButton = $('send');
  const helloButton = $('hello');
  const status = $('status');
  const onlineCount = $('online-count');

  const korean = (navigator.languages || [navigator.language]).some((lang) => /^ko\b/i.test(lang || ''));
  const texts = korean ? {
    title: '웹소켓 채팅', online: '접속자', name: '이름', message: '메시지', send: '전송',
    placeholder: '메시지를 입력하세요', log: '대화', anonymous: '익명',
    connecting: '연결 중…', connected: '연결됨', reconnecting: (s) => `재연결 중… ${s}초 후`,
    offline: (why) => `연결 끊김: ${why}`, gap: '연결이 끊긴 동안의 메시지 중 일부는 표시되지 않았을 수 있습니다',
    reasons: { 1003: '지원하지 않는 데이터를 보냈습니다', 1008: '이 페이지에서는 접속할 수 없습니다', 1009: '메시지가 너무 큽니다' },
  } : {
    title: 'WebSocket chat', online: 'Online', name: 'Name', message: 'Message', send: 'Send',
    placeholder: 'Type a message', log: 'Conversation', anonymous: 'Anonymous',
    connecting: 'Connecting…', connected: 'Connected', reconnecting: (s) => `Reconnecting in ${s} s…`,
    offline: (why) => `Disconnected: ${why}`, gap: 'Some messages sent while you were disconnected may be missing',
    reasons: { 1003: 'the page sent data the server does not accept', 1008: 'this page may not connect to the server', 1009: 'a message was too large' },
  };

  // Closes after which retrying cannot help; the page says why instead.
  const FINAL_CLOSES = new Set([1003, 1008, 1009]);
  const FIRST_RETRY_MS = 500;
  const LONGEST_RETRY_MS = 10000;

  let socket = null;
  let retryMs = FIRST_RETRY_MS;
  let countdown = null;
  const shown = new Set();   // "id|time" of chats on the page, so a reconnect's history adds no duplicates
  let resumePoint = null;    // {epoch, since}: the last chat seen, so a reconnect is sent only what was missed
  const mine = [];           // {name, text} sent and not yet echoed, oldest first

  function translatePage() {
    document.documentElement.lang = korean ? 'ko' : 'en';
    document.title = texts.title;
    document.querySelectorAll('[data-i18n]').forEach((element) => { element.textContent = texts[element.dataset.i18n]; });
    sendButton.textContent = texts.send;
    messageField.placeholder = texts.placeholder;
    nameField.placeholder = texts.anonymous;
    log.setAttribute('aria-label', texts.log);
  }

  // ws: or wss: to match the page, and the page's own directory, so a WAR under a context path works.
  function socketUrl() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const directory = location.pathname.replace(/[^/]*$/, '');
    const resume = resumePoint
      ? `?since=${resumePoint.since}&epoch=${encodeURIComponent(resumePoint.epoch)}` : '';
    return `${scheme}//${location.host}${directory}chat${resume}`;
  }

  function span(className, text) {
    const element = document.createElement('span');
    element.className = className;
    element.textContent = text;
    return element;
  }

  function append(item) {
    const nearBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
    log.append(item);
    if (nearBottom) scroller.scrollTop = scroller.scrollHeight;
  }

  function showNotice(text, className = 'notice') {
    const item = document.createElement('li');
    item.className = className;
    item.textContent = text;
    append(item);
  }

  function isMine(chat) {
    const index = mine.findIndex((sent) => sent.text === chat.text && sent.name === chat.name);
    if (index < 0) return false;
    mine.splice(index, 1);
    return true;
  }

  function showChat(chat) {
    if (resumePoint && chat.id > resumePoint.since) resumePoint.since = chat.id;
    const key = `${chat.id}|${chat.time}`;
    if (shown.has(key)) return;
    shown.add(key);
    const item = document.createElement('li');
    item.className = isMine(chat) ? 'chat mine' : 'chat';
    const time = document.createElement('time');
    time.dateTime = chat.time;
    time.textContent = new Date(chat.time).toLocaleTimeString(navigator.languages, { hour: '2-digit', minute: '2-digit' });
    item.append(span('name', chat.name), span('text', chat.text), time);
    append(item);
  }

  function showCount(event) {
    onlineCount.textContent = event.online;
    showNotice(event.text);
  }

  const handlers = {
    history: (event) => {
      if (resumePoint && !event.complete) showNotice(texts.gap, 'notice gap');
      if (!resumePoint || resumePoint.epoch !== event.epoch) resumePoint = { epoch: event.epoch, since: 0 };
      event.messages.forEach(showChat);
      log.dataset.history = 'shown';
    },
    join: showCount,
    leave: showCount,
    chat: showChat,
    error: (event) => showNotice(event.reason, 'error'),
  };

  function setState(state, text) {
    status.dataset.state = state;
    status.textContent = text;
    const ready = state === 'connected';
    sendButton.disabled = !ready;
    helloButton.disabled = !ready;
  }

  function connect() {
    clearInterval(countdown);
    setState('connecting', texts.connecting);
    socket = new WebSocket(socketUrl());
    socket.addEventListener('open', () => {
      retryMs = FIRST_RETRY_MS;
      setState('connected', texts.connected);
    });
    socket.addEventListener('message', (message) => {
      const event = JSON.parse(message.data);
      const handle = handlers[event.type];
      if (handle) handle(event);
    });
    socket.addEventListener('close', (close) => {
      mine.length = 0;
      delete log.dataset.history;
      if (FINAL_CLOSES.has(close.code)) {
        setState('offline', texts.offline(texts.reasons[close.code]));
        return;
      }
      scheduleReconnect();
    });
  }

  // Exponential backoff with jitter (0.5 s doubling to 10 s, each wait 75-125 % of that),
  // so a restarted server is not hit by every page at the same instant.
  function scheduleReconnect() {
    const delay = retryMs * (0.75 + Math.random() / 2);
    retryMs = Math.min(retryMs * 2, LONGEST_RETRY_MS);
    const due = Date.now() + delay;
    const tick = () => setState('reconnecting', texts.reconnecting(Math.max(0, Math.ceil((due - Date.now()) / 1000))));
    tick();
    countdown = setInterval(tick, 250);
    setTimeout(connect, delay);
  }

  function send(frame, echo) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    mine.push(echo);
    socket.send(frame);
    return true;
  }

  function sendMessage() {
    const text = messageField.value;
    if (!text.trim()) return;
    const name = nameField.value.trim();
    if (send(JSON.stringify({ type: 'chat', name, text }), { name: name || '익명', text })) {
      messageField.value = '';
    }
    messageField.focus();
  }

  translatePage();
  nameField.value = localStorage.getItem('chat.name') || '';
  nameField.addEventListener('input', () => localStorage.setItem('chat.name', nameField.value));
  $('composer').addEventListener('submit', (submit) => {
    submit.preventDefault();
    sendMessage();
  });
  messageField.addEventListener('keydown', (key) => {
    if (key.key === 'Enter' && !key.shiftKey && !key.isComposing) {
      key.preventDefault();
      sendMessage();
    }
  });
  helloButton.addEventListener('click', () => send('Hello', { name: '익명', text: 'Hello' }));
  connect();
})();

'use strict';
// The chat page: one WebSocket to <page directory>/chat, speaking protocol v1 (see README).
(() => {
  const $ = (id) => document.getElementById(id);
  const log = $('log');
  const nameField = $('name');
  const messageField = $('message');
  const sendButton = $('send');
  const helloButton = $('hello');
  const status = $('status');
  const onlineCount = $('online-count');
  let socket = null;
  let retryDelay = 500;

  // ws: or wss: to match the page, and the page's own directory, so a WAR under a context path works.
  function socketUrl() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const directory = location.pathname.replace(/[^/]*$/, '');
    return `${scheme}//${location.host}${directory}chat`;
  }

  function addLine(className, ...parts) {
    const item = document.createElement('li');
    item.className = className;
    for (const part of parts) item.append(part);
    const atBottom = log.parentElement.scrollHeight - log.parentElement.scrollTop - log.parentElement.clientHeight < 40;
    log.append(item);
    if (atBottom) item.scrollIntoView({ block: 'end' });
  }

  function span(className, text) {
    const element = document.createElement('span');
    element.className = className;
    element.textContent = text;
    return element;
  }

  function showChat(chat) {
    const time = new Date(chat.time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    addLine('chat', span('name', chat.name + ':'), span('text', chat.text), span('time', time));
  }

  function setState(state, text) {
    status.dataset.state = state;
    status.textContent = text;
    const ready = state === 'connected';
    sendButton.disabled = !ready;
    helloButton.disabled = !ready;
  }

  const handlers = {
    history: (event) => event.messages.forEach(showChat),
    join: (event) => { onlineCount.textContent = event.online; addLine('notice', event.text); },
    leave: (event) => { onlineCount.textContent = event.online; addLine('notice', event.text); },
    chat: showChat,
    error: (event) => addLine('error', event.reason),
  };

  function connect() {
    setState('connecting', '연결 중…');
    socket = new WebSocket(socketUrl());
    socket.addEventListener('open', () => { retryDelay = 500; setState('connected', '연결됨'); });
    socket.addEventListener('message', (message) => {
      const event = JSON.parse(message.data);
      const handle = handlers[event.type];
      if (handle) handle(event);
    });
    socket.addEventListener('close', (close) => {
      if ([1003, 1008, 1009].includes(close.code)) {
        setState('offline', `연결 종료 (${close.code} ${close.reason})`);
        return;
      }
      const seconds = Math.round(retryDelay / 100) / 10;
      setState('reconnecting', `재연결 중… ${seconds}초`);
      setTimeout(connect, retryDelay * (0.75 + Math.random() / 2));
      retryDelay = Math.min(retryDelay * 2, 10000);
    });
  }

  function send(text) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(text);
      return true;
    }
    return false;
  }

  $('composer').addEventListener('submit', (submit) => {
    submit.preventDefault();
    const text = messageField.value;
    if (!text.trim()) return;
    if (send(JSON.stringify({ type: 'chat', name: nameField.value, text }))) {
      messageField.value = '';
    }
    messageField.focus();
  });
  helloButton.addEventListener('click', () => send('Hello'));

  connect();
})();

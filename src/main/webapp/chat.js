'use strict';
// The chat page: one WebSocket to <page directory>/chat (the lobby) or chat/<room> (the room in
// the URL, #room=<room>), speaking protocol v1 (see docs/protocol.md).
// User text only ever enters the page through textContent.
(() => {
  const $ = (id) => document.getElementById(id);
  const log = $('log');
  const scroller = $('scroller');
  const newerButton = $('newer');
  const nameField = $('name');
  const messageField = $('message');
  const sendButton = $('send');
  const helloButton = $('hello');
  const status = $('status');
  const onlineCount = $('online-count');
  const languageButton = $('language');
  const roomForm = $('room-form');
  const roomField = $('room');
  const people = $('people');
  const usersList = $('users');
  const outboxList = $('outbox');

  // Korean for everyone, as the tutorial's page is; English by the switch in the header, remembered.
  const LANGUAGES = {
    ko: {
      title: '웹소켓 채팅', online: '접속자', name: '이름', message: '메시지', send: '전송', other: 'English',
      placeholder: '메시지를 입력하세요 (줄바꿈: Shift+Enter)', log: '대화', anonymous: '익명',
      hello: '지금 이름으로 Hello를 보냅니다 (서버 로그에 남습니다)', earlier: '이전 대화',
      connecting: '연결 중…', connected: '연결됨', reconnecting: (s) => `재연결 중… ${s}초 후`,
      offline: (why) => `연결 끊김: ${why}`, gap: '연결이 끊긴 동안의 메시지 중 일부는 표시되지 않았습니다',
      restarted: '서버가 다시 시작되었습니다. 그 전에 보낸 메시지 중 일부는 표시되지 않았을 수 있습니다',
      joined: (event) => event.text, left: (event) => event.text,
      folded: (joined, left) => [joined && `${joined}명 접속`, left && `${left}명 나감`].filter(Boolean).join(', '),
      reasons: { 1003: '지원하지 않는 데이터를 보냈습니다', 1008: '이 페이지에서는 접속할 수 없습니다', 1009: '메시지가 너무 큽니다',
        4401: '로그인이 필요하거나 만료되었습니다', 4403: '이 방에 들어갈 권한이 없습니다' },
      forbidden: { kicked: '관리자가 이 방에서 내보냈습니다', banned: '관리자가 이 방에서 차단했습니다' },
      room: '방', enter: '입장', people: '여기 있는 사람', connections: (n) => `연결 ${n}개`,
      renamed: (event) => `${event.from} 님이 이름을 ${event.to}(으)로 바꿨습니다`,
      outbox: '보내는 중인 메시지', sending: '보내는 중…', failed: (why) => `보내지 못했습니다: ${why}`, edit: '고치기',
      full: '보내지 못한 메시지가 너무 많습니다. 연결되면 다시 보내 주세요',
      typing: (names) => (names.length > 2 ? '여러 명이 입력 중…' : `${names.join(', ')} 님이 입력 중…`),
      length: (n, most) => (n > most ? `${n - most}자 초과: ${most}자까지 보낼 수 있습니다` : `${n} / ${most}자`),
      roomRule: '방 이름은 영문 소문자, 숫자, -, _ 로 된 1~32자입니다',
      newer: (n) => `새 메시지 ${n}개 ↓`,
      peopleCount: (n) => `${n}명`,
      notifyLabel: '알림', notifyTitle: '창이 가려져 있을 때 나를 @이름으로 부르는 메시지를 알림으로 받습니다',
      badRoom: (name) => `"${name}"은(는) 방 이름이 될 수 없습니다`,
      verified: (user) => `로그인한 사용자 (${user})`, signIn: '로그인이 필요합니다',
      direct: '1:1', directTitle: (name) => `${name} 님과 1:1 대화`,
      kick: '내보내기', ban: '차단 1시간', mute: '조용히 10분', actionsFor: (name) => `${name} 님 관리`,
      moderation: (event, whom) => ({ kick: `${event.by} 님이 ${whom} 님을 내보냈습니다`,
        ban: event.until ? `${event.by} 님이 ${whom} 님을 차단했습니다` : `${event.by} 님이 ${whom} 님의 차단을 풀었습니다`,
        mute: event.until ? `${event.by} 님이 ${whom} 님의 메시지를 막았습니다` : `${event.by} 님이 ${whom} 님의 메시지 막기를 풀었습니다` })[event.action],
      // By the server's error code; a code not listed shows the server's reason as it is.
      errors: {
        rate_limited: '너무 빨리 보내고 있습니다. 잠시 후 다시 보냅니다',
        address_rate_limited: '너무 빨리 보내고 있습니다. 잠시 후 다시 보냅니다',
        server_busy: '서버가 바쁩니다. 잠시 후 다시 보냅니다',
        cluster_unreachable: '서버 사이의 연결이 끊겼습니다. 잠시 후 다시 보냅니다',
        blank_text: '보낼 내용이 없습니다',
        text_too_long: '메시지가 너무 깁니다',
        name_too_long: '이름이 너무 깁니다 (32자까지)',
        invalid_unicode: '보낼 수 없는 문자가 있습니다',
        imitates_notice: '입장·퇴장 알림처럼 보이는 이름은 쓸 수 없습니다',
        mixed_scripts: '여러 문자 체계를 섞은 이름은 쓸 수 없습니다',
        name_verified: '로그인한 이름은 바꿀 수 없습니다',
        muted: '관리자가 메시지 보내기를 막았습니다',
        not_moderator: '관리자만 할 수 있습니다',
      },
    },
    en: {
      title: 'WebSocket chat', online: 'Online', name: 'Name', message: 'Message', send: 'Send', other: '한국어',
      placeholder: 'Type a message (new line: Shift+Enter)', log: 'Conversation', anonymous: 'Anonymous',
      hello: 'Sends Hello under your name (the server logs it)', earlier: 'Earlier messages',
      connecting: 'Connecting…', connected: 'Connected', reconnecting: (s) => `Reconnecting in ${s} s…`,
      offline: (why) => `Disconnected: ${why}`, gap: 'Some messages sent while you were disconnected are missing',
      restarted: 'The server restarted; some messages sent before that may be missing',
      joined: (event) => `A user joined [online: ${event.online}]`, left: (event) => `A user left [online: ${event.online}]`,
      folded: (joined, left) => [joined && `${joined} joined`, left && `${left} left`].filter(Boolean).join(', '),
      reasons: { 1003: 'the page sent data the server does not accept', 1008: 'this page may not connect to the server', 1009: 'a message was too large',
        4401: 'you need to sign in, or your sign-in expired', 4403: 'you may not enter this room' },
      forbidden: { kicked: 'a moderator removed you from this room', banned: 'a moderator banned you from this room' },
      room: 'Room', enter: 'Enter', people: 'Who is here', connections: (n) => `${n} connections`,
      renamed: (event) => `${event.from} is now ${event.to}`,
      outbox: 'Messages being sent', sending: 'Sending…', failed: (why) => `Not sent: ${why}`, edit: 'Edit',
      full: 'Too many messages are waiting to be sent; send this one once connected',
      typing: (names) => (names.length > 2 ? 'Several people are typing…'
        : names.length === 2 ? `${names[0]} and ${names[1]} are typing…` : `${names[0]} is typing…`),
      length: (n, most) => (n > most ? `${n - most} characters too many: up to ${most}` : `${n} / ${most} characters`),
      roomRule: 'A room name is 1 to 32 of a-z, 0-9, - and _',
      newer: (n) => (n === 1 ? '1 new message ↓' : `${n} new messages ↓`),
      peopleCount: (n) => `(${n})`,
      notifyLabel: 'Alerts', notifyTitle: 'Notifies you of messages that mention you by @name while this tab is hidden',
      badRoom: (name) => `"${name}" cannot be a room name`,
      verified: (user) => `Signed in (${user})`, signIn: 'You need to sign in',
      direct: '1:1', directTitle: (name) => `Talk with ${name} alone`,
      kick: 'Kick', ban: 'Ban 1 h', mute: 'Mute 10 min', actionsFor: (name) => `Moderate ${name}`,
      moderation: (event, whom) => ({ kick: `${event.by} removed ${whom}`,
        ban: event.until ? `${event.by} banned ${whom}` : `${event.by} lifted the ban on ${whom}`,
        mute: event.until ? `${event.by} muted ${whom}` : `${event.by} unmuted ${whom}` })[event.action],
      errors: {
        rate_limited: 'Sending too fast; trying again shortly', address_rate_limited: 'Sending too fast; trying again shortly',
        server_busy: 'The server is busy; trying again shortly', cluster_unreachable: 'The servers lost each other; trying again shortly',
        name_verified: 'Your signed-in name cannot be changed', muted: 'A moderator muted you',
        not_moderator: 'Only moderators may do that',
      },
    },
  };
  let language = localStorage.getItem('chat.language') === 'en' ? 'en' : 'ko';
  let texts = LANGUAGES[language];
  const ANONYMOUS = '익명'; // what the server calls a chat without a name, in every language

  // Closes after which retrying cannot help; the page says why instead.
  const FINAL_CLOSES = new Set([1003, 1008, 1009, 4403]);
  // A token is renewed this long before it expires (CHAT_AUTH; see docs/identity.md).
  const TOKEN_RENEWED_BEFORE_MS = 60000;
  const LOBBY = 'lobby';
  const ROOM_NAME = /^[a-z0-9_-]{1,32}$/;
  const DIRECT = /^@[^\u0000-\u001f]{1,255}$/; // a conversation with one user, by their id (CHAT_AUTH on)
  const FIRST_RETRY_MS = 500;
  const LONGEST_RETRY_MS = 10000;
  // Browsers hide WebSocket pings from pages, so the page keeps its own heartbeat: a ping every
  // PING_MS, and a link that has said nothing since the last one is dead (found within two
  // intervals of going silent). A socket not open within CONNECT_MS is given up too.
  const PING_MS = 10000;
  const CONNECT_MS = 10000;
  const OWN_CIDS_KEPT = 500;
  // The server passes on one typing notice per connection every 2 s; one shows for TYPING_SHOWN_MS,
  // so someone who keeps typing stays shown, and someone who stopped is gone a few seconds later.
  const TYPING_EVERY_MS = 2000;
  const TYPING_SHOWN_MS = 5000;
  // The server's default CHAT_MAX_TEXT, in characters (code points). A message over it is never
  // sent, nor cut; the count shows from LENGTH_SHOWN_FROM. A server set lower refuses the chat
  // with text_too_long, which the outbox shows with the text kept.
  const MAX_TEXT = 2000;
  const LENGTH_SHOWN_FROM = 1800;
  // Chats from one sender in a row, each within this of the one before, go under one name.
  const GROUPED_MS = 5 * 60 * 1000;

  let socket = null;
  let retryMs = FIRST_RETRY_MS;
  let countdown = null;
  let retry = null;
  let room = roomInUrl();
  let users = null;          // who(name, user) -> {name, user, connections} in the room, from the history and the events after it; null if not told
  let ownJoinDue = false;    // the join that follows the history is this page's own, already in its list
  let namedAs = '';          // the name the server has for this connection, as last sent
  const shown = new Set();   // "id|time" of chats on the page, so a reconnect's history adds no duplicates
  let resumePoint = null;    // {epoch, since}: the last chat seen, so a reconnect is sent only what was missed
  let heartbeat = null;
  let unread = 0;            // chats that arrived while the tab was hidden, in the title until it is shown
  let heardSincePing = true; // whether anything arrived since the last ping
  // name -> the timer that stops showing it as typing. Bounded by who is in the room: each entry
  // goes after TYPING_SHOWN_MS, or with that person's chat, leave or rename, and all on a disconnect.
  const typists = new Map();
  let typedAt = 0;           // when this page last said it was typing
  let newer = 0;             // chats that arrived while the reader was scrolled up
  // The cids of this tab's last OWN_CIDS_KEPT chats, so its own messages show as its own after a reload too.
  const ownCids = new Set(JSON.parse(sessionStorage.getItem('chat.own') || '[]'));
  let outbox = openOutbox();
  // Identity (CHAT_AUTH): what the server asks of the page (client.json), a token from the address
  // (#token=, for a quick try: taken out of the address at once), and the user the server admitted.
  let identity = { auth: 'off', tokenUrl: '' };
  const tokenInUrl = takeTokenFromUrl();
  let renewal = null;
  let refusedProofs = 0;     // 4401s in a row: after a second, a fresh token is not going to help
  let currentToken = null;   // the token this page last proved itself with
  let me = null;             // {user, moderator} once the server admitted this page as a verified user

  function openOutbox() {
    return window.ChatOutbox.create(`chat.outbox.${room}`,
      (frame) => socket !== null && socket.readyState === WebSocket.OPEN && (socket.send(frame), true), renderOutbox);
  }

  function remember(cid) {
    ownCids.add(cid);
    if (ownCids.size > OWN_CIDS_KEPT) ownCids.delete(ownCids.values().next().value); // the oldest: a Set keeps insertion order
    sessionStorage.setItem('chat.own', JSON.stringify([...ownCids]));
  }

  // The chats waiting to be sent, below the conversation: each pending, or refused with the reason
  // and a button that takes it back into the message field.
  function renderOutbox(entries) {
    outboxList.setAttribute('aria-label', texts.outbox);
    outboxList.replaceChildren(...entries.map((entry) => {
      const item = document.createElement('li');
      item.className = entry.failed ? 'chat mine pending failed' : 'chat mine pending';
      item.dataset.cid = entry.cid;
      const state = span('state', entry.failed ? texts.failed(reasonText(entry.failed)) : texts.sending);
      item.append(span('name', entry.name || ANONYMOUS), span('text', entry.text), state);
      if (entry.failed) {
        const edit = document.createElement('button');
        edit.type = 'button';
        edit.className = 'edit';
        edit.textContent = texts.edit;
        edit.addEventListener('click', () => takeBack(entry.cid));
        item.append(edit);
      }
      return item;
    }));
  }

  function takeBack(cid) {
    const entry = outbox.take(cid);
    if (!entry) return;
    messageField.value = messageField.value ? `${entry.text}\n${messageField.value}` : entry.text;
    fitMessageField();
    showLength();
    messageField.focus();
  }

  // An error in the page's language: {code, reason} as the server sent it (a close's reason is a plain string).
  function reasonText(error) {
    if (typeof error === 'string') return error;
    return (error.code && texts.errors[error.code]) || error.reason;
  }

  function translatePage() {
    document.documentElement.lang = language;
    showTitle();
    document.querySelectorAll('[data-i18n]').forEach((element) => { element.textContent = texts[element.dataset.i18n]; });
    sendButton.textContent = texts.send;
    roomField.title = texts.roomRule;
    checkRoomField();
    helloButton.title = texts.hello;
    languageButton.textContent = texts.other;
    languageButton.lang = language === 'ko' ? 'en' : 'ko';
    messageField.placeholder = texts.placeholder;
    nameField.placeholder = texts.anonymous;
    log.setAttribute('aria-label', texts.log);
    log.querySelectorAll('[data-presence]').forEach((item) => { item.textContent = presenceText(item); });
    log.querySelectorAll('.divider').forEach((item) => { item.textContent = texts.earlier; });
    showTyping();
    showLength();
    showNewer();
    if (users !== null) renderUsers();
    showBell();
    log.querySelectorAll('.gap').forEach((item) => {
      item.textContent = item.classList.contains('restarted') ? texts.restarted : texts.gap;
    });
    log.querySelectorAll('.renamed').forEach((item) => {
      item.textContent = texts.renamed({ from: item.dataset.from, to: item.dataset.to });
    });
    renderUsers();
    renderOutbox(outbox.entries());
    log.querySelectorAll('time').forEach((time) => { time.textContent = timeText(new Date(time.dateTime)); });
    if (status.dataset.state === 'connected' || status.dataset.state === 'connecting') {
      status.textContent = texts[status.dataset.state];
    }
  }

  // The tab's title: the page's, the room's, and how many chats arrived while the tab was hidden.
  function showTitle() {
    const title = room === LOBBY ? texts.title : `${texts.title} · ${room}`;
    document.title = unread > 0 ? `(${unread}) ${title}` : title;
  }

  function switchLanguage() {
    language = language === 'ko' ? 'en' : 'ko';
    texts = LANGUAGES[language];
    localStorage.setItem('chat.language', language);
    translatePage();
  }

  // A line of joins and leaves: the latest, or the one it folded, is the tutorial's text as the
  // server sent it (or the same in English); several folded ones are counted.
  function presenceText(item) {
    const joined = Number(item.dataset.joined);
    const left = Number(item.dataset.left);
    if (item.dataset.presence === 'run' && joined + left > 1) return texts.folded(joined, left);
    const event = { text: item.dataset.text, online: Number(item.dataset.online) };
    return item.dataset.kind === 'join' ? texts.joined(event) : texts.left(event);
  }

  // The time of day; the date too for a message not from today.
  function timeText(date) {
    const locale = language === 'ko' ? 'ko-KR' : 'en';
    const time = date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
    if (date.toDateString() === new Date().toDateString()) return time;
    return `${date.toLocaleDateString(locale, { month: 'short', day: 'numeric' })} ${time}`;
  }

  // The room in the URL (#room=design); the lobby without one, or with a name that is no room's.
  function roomInUrl() {
    const named = namedInUrl();
    return ROOM_NAME.test(named) || DIRECT.test(named) ? named : LOBBY;
  }

  // The room the address names, as written; the lobby's name if it names none.
  function namedInUrl() {
    const match = /(?:^#|&)room=([^&]*)/.exec(location.hash);
    try {
      return match ? decodeURIComponent(match[1]) : LOBBY;
    } catch (malformed) {
      return match[1];
    }
  }

  // An address naming no possible room opens none: the page says so, and offers the name to fix.
  function refuseRoomInUrl() {
    const named = namedInUrl();
    if (ROOM_NAME.test(named) || DIRECT.test(named)) return false;
    roomField.value = named;
    checkRoomField();
    setState('offline', `${texts.badRoom(named)}. ${texts.roomRule}`);
    roomField.focus();
    return true;
  }

  // The room field says what a room name may contain, in the page's language, while it holds another.
  function checkRoomField() {
    const wanted = roomField.value.trim();
    roomField.setCustomValidity(wanted === '' || ROOM_NAME.test(wanted) || DIRECT.test(wanted) ? '' : texts.roomRule);
  }

  // ws: or wss: to match the page, and the page's own directory, so a WAR under a context path works.
  function socketUrl() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const directory = location.pathname.replace(/[^/]*$/, '');
    const query = new URLSearchParams();
    namedAs = nameField.value.trim();
    if (namedAs) query.set('name', namedAs);
    if (resumePoint) {
      query.set('since', resumePoint.since);
      query.set('epoch', resumePoint.epoch);
    }
    const path = room === LOBBY ? 'chat' : DIRECT.test(room) ? `chat/@${encodeURIComponent(room.slice(1))}` : `chat/${room}`;
    const search = query.toString();
    return `${scheme}//${location.host}${directory}${path}${search ? `?${search}` : ''}`;
  }

  // Who is here: one line per name, with its count of connections when more than one.
  function renderUsers() {
    people.hidden = users === null;
    if (users === null) return;
    $('people-count').textContent = texts.peopleCount(users.size);
    usersList.replaceChildren(...[...users.keys()].sort().map((key) => {
      const item = document.createElement('li');
      const { name, user, connections } = users.get(key);
      const shown = span('user', name);
      if (user) shown.append(verifiedMark(user));
      item.append(shown);
      if (connections > 1) {
        const count = span('connections', `×${connections}`);
        count.title = texts.connections(connections);
        item.append(count);
      }
      if (me !== null && user !== me.user) item.append(...actionsFor({ name, user }));
      return item;
    }));
  }

  // A name and the verified user behind it (none for a guest) are one entry of the list.
  function who(person) {
    return typeof person.user === 'string' ? `${person.name}\u0000${person.user}` : person.name;
  }

  function countUser(person, change) {
    if (users === null || typeof person.name !== 'string') return;
    const key = who(person);
    const connections = ((users.get(key) || {}).connections || 0) + change;
    if (connections > 0) users.set(key, { name: person.name, user: person.user, connections }); else users.delete(key);
    renderUsers();
  }

  function presence(event) {
    if (event.type === 'leave') stopTyping(event.name);
    if (event.type === 'join' && ownJoinDue) {
      ownJoinDue = false;
      if (typeof event.user === 'string') showVerified(event);
    } else {
      countUser(event, event.type === 'join' ? 1 : -1);
    }
    showCount(event);
  }

  // Beside someone else in the list, for a signed-in user: a direct conversation with a verified
  // user; for a moderator, kick, ban and mute (the server checks, whatever the page shows).
  function actionsFor(person) {
    const buttons = [];
    const button = (text, title, act) => {
      const element = document.createElement('button');
      element.type = 'button';
      element.className = 'act';
      element.textContent = text;
      element.title = title;
      element.addEventListener('click', act);
      buttons.push(element);
    };
    if (person.user && !DIRECT.test(room)) {
      button(texts.direct, texts.directTitle(person.name), () => { location.hash = `room=${encodeURIComponent(`@${person.user}`)}`; });
    }
    if (me.moderator) {
      const target = person.user ? { user: person.user } : { name: person.name };
      const send = (frame) => socket && socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify({ ...frame, ...target }));
      button(texts.kick, texts.actionsFor(person.name), () => send({ type: 'kick' }));
      button(texts.mute, texts.actionsFor(person.name), () => send({ type: 'mute', seconds: 600 }));
      button(texts.ban, texts.actionsFor(person.name), () => send({ type: 'ban', seconds: 3600 }));
    }
    return buttons;
  }

  function showModeration(event) {
    const whom = event.name || [...(users || new Map()).values()].find((person) => person.user === event.user)?.name || event.user;
    showNotice(texts.moderation(event, whom), 'notice moderation');
  }

  // Signed in: the name is the one the user signed in with, and the name field says so.
  function showVerified(join) {
    me = { user: join.user, moderator: rolesOf(currentToken).includes('moderator') };
    renderUsers();
    nameField.value = join.name;
    nameField.readOnly = true;
    nameField.title = texts.verified(join.user);
    namedAs = join.name;
  }

  // The mark of a verified user beside a name: a guest who types the same name has none.
  function verifiedMark(user) {
    const mark = span('verified', '✓');
    mark.title = texts.verified(user);
    mark.setAttribute('aria-label', texts.verified(user));
    return mark;
  }

  function showRename(event) {
    stopTyping(event.from);
    countUser({ name: event.from }, -1);
    countUser({ name: event.to }, 1);
    const item = document.createElement('li');
    item.className = 'notice renamed';
    item.dataset.from = event.from;
    item.dataset.to = event.to;
    item.textContent = texts.renamed(event);
    append(item);
  }

  function span(className, text) {
    const element = document.createElement('span');
    element.className = className;
    element.textContent = text;
    return element;
  }

  // Follows the conversation only for a reader already at its end, who has not scrolled up to
  // read; one's own message always brings one down to it.
  // Keeps a reader at the bottom at the bottom; one scrolled up is told of each new chat instead.
  function append(item, follow = false) {
    const nearBottom = atBottom();
    log.append(item);
    if (nearBottom || follow) {
      toBottom();
    } else if (item.classList.contains('chat') && log.dataset.history === 'shown') {
      newer += 1;
      showNewer();
    }
  }

  function atBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
  }

  function toBottom() {
    scroller.scrollTop = scroller.scrollHeight;
    newer = 0;
    showNewer();
  }

  function showNewer() {
    newerButton.hidden = newer === 0;
    newerButton.textContent = texts.newer(newer);
  }

  function showNotice(text, className = 'notice') {
    const item = document.createElement('li');
    item.className = className;
    item.textContent = text;
    append(item);
  }

  // Who is typing, by the names their notices came with, folded into one line.
  function showTyping() {
    $('typing').textContent = typists.size === 0 ? '' : texts.typing([...typists.keys()]);
  }

  // Someone whose chat, leave or rename arrived, or whose notice ran out, is no longer shown typing.
  function stopTyping(name) {
    if (!typists.has(name)) return;
    clearTimeout(typists.get(name));
    typists.delete(name);
    showTyping();
  }

  // Says this page is typing, at most once every TYPING_EVERY_MS, while there is text to send.
  function sayTyping() {
    if (!messageField.value.trim() || Date.now() - typedAt < TYPING_EVERY_MS) return;
    if (socket !== null && socket.readyState === WebSocket.OPEN) {
      typedAt = Date.now();
      socket.send('{"type":"typing"}');
    }
  }

  // A chat from the live feed (not a history) arriving while the tab is hidden counts as unread in the title.
  function showChat(chat, live = true) {
    if (live) stopTyping(chat.name);
    if (resumePoint && chat.id > resumePoint.since) resumePoint.since = chat.id;
    if (typeof chat.cid === 'string') outbox.delivered(chat.cid);
    const key = `${chat.id}|${chat.time}`;
    if (shown.has(key)) return;
    shown.add(key);
    const item = document.createElement('li');
    item.dataset.id = chat.id;
    const own = typeof chat.cid === 'string' && ownCids.has(chat.cid);
    item.className = own ? 'chat mine' : 'chat';
    const time = document.createElement('time');
    time.dateTime = chat.time;
    time.textContent = timeText(new Date(chat.time));
    const name = span('name', chat.name);
    name.dataset.hue = hueOf(chat.name);
    if (typeof chat.user === 'string') name.append(verifiedMark(chat.user));
    item.append(name, textWithLinks(chat.text), time);
    if (mentionsMe(chat)) {
      item.classList.add('mentions-me');
      if (live) notify(chat);
    }
    item.dataset.name = chat.name;
    item.dataset.user = chat.user || '';
    item.dataset.at = Date.parse(chat.time);
    const before = log.lastElementChild;
    if (before && before.classList.contains('chat') && before.dataset.name === chat.name && before.dataset.user === item.dataset.user
        && before.classList.contains('mine') === own && Math.abs(item.dataset.at - before.dataset.at) < GROUPED_MS) {
      item.classList.add('grouped');
    }
    append(item, own);
    if (live && document.hidden) {
      unread += 1;
      showTitle();
    }
  }

  // One of the style sheet's eight name colours, the same for a name on every page.
  function hueOf(name) {
    let hash = 0;
    for (const point of name) hash = (hash * 31 + point.codePointAt(0)) >>> 0;
    return String(hash % 8);
  }

  // The text as it was sent, with each http(s) URL in it a link that opens in a new tab and tells
  // the target nothing; nothing else becomes markup, and a URL's trailing punctuation stays text.
  const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/g;

  function textWithLinks(text) {
    const element = span('text', '');
    let done = 0;
    for (const match of text.matchAll(URL_IN_TEXT)) {
      const url = match[0].replace(/[.,;:!?'")\]}]+$/, '');
      let parsed = null;
      try {
        parsed = new URL(url);
      } catch (notAUrl) {
        continue;
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') continue;
      const link = document.createElement('a');
      link.href = parsed.href;
      link.textContent = url;
      link.rel = 'noopener noreferrer';
      link.target = '_blank';
      element.append(...withMentions(text.slice(done, match.index)), link);
      done = match.index + url.length;
    }
    element.append(...withMentions(text.slice(done)));
    return element;
  }

  // Plain text with each "@name" of this page's own name marked, as text nodes and <mark>s.
  function withMentions(text) {
    const mention = `@${ownName()}`;
    const parts = [];
    let done = 0;
    for (let at = text.indexOf(mention); at >= 0; at = text.indexOf(mention, at + mention.length)) {
      const mark = document.createElement('mark');
      mark.className = 'mention';
      mark.textContent = mention;
      parts.push(text.slice(done, at), mark);
      done = at + mention.length;
    }
    parts.push(text.slice(done));
    return parts;
  }

  // The name this page chats under: the name field's, or the one the server gives a chat without one.
  function ownName() {
    return nameField.value.trim() || ANONYMOUS;
  }

  // Whether a chat from someone else mentions this page's name.
  function mentionsMe(chat) {
    return !(typeof chat.cid === 'string' && ownCids.has(chat.cid)) && chat.text.includes(`@${ownName()}`);
  }

  // A chat that mentions this page while it is hidden shows as a notification, if the reader turned them on.
  function notify(chat) {
    if (!document.hidden || !('Notification' in window) || Notification.permission !== 'granted'
        || localStorage.getItem('chat.notify') !== 'on') return;
    const shown = new Notification(`${chat.name}: ${chat.text.slice(0, 120)}`, { tag: `chat-${chat.id}` });
    shown.addEventListener('click', () => window.focus());
  }

  // The bell in the header: asks the browser's permission only when clicked, and remembers the choice.
  function showBell() {
    const bell = $('notify');
    const supported = 'Notification' in window;
    bell.hidden = !supported;
    if (!supported) return;
    const on = Notification.permission === 'granted' && localStorage.getItem('chat.notify') === 'on';
    bell.setAttribute('aria-pressed', String(on));
    bell.textContent = texts.notifyLabel;
    bell.title = texts.notifyTitle;
  }

  async function toggleBell() {
    if (localStorage.getItem('chat.notify') === 'on') {
      localStorage.removeItem('chat.notify');
    } else if ((await Notification.requestPermission()) === 'granted') {
      localStorage.setItem('chat.notify', 'on');
    }
    showBell();
  }

  // Every join and leave shows as the tutorial's text, the latest always on a line of its own
  // ("새로운 유저 접속 [현재: 2명]"). The ones before it in a row fold into one line above it:
  // the notice itself while it is one, then a count ("3명 접속, 1명 나감"). Its tooltip lists what
  // it folded as the server sent it, TOOLTIP_NOTICES at most, so a connect storm never grows the
  // page without bound.
  const TOOLTIP_NOTICES = 20;

  function showCount(event) {
    onlineCount.textContent = event.online;
    const last = log.lastElementChild;
    if (last && last.dataset.presence === 'latest') {
      const before = last.previousElementSibling;
      const run = before && before.dataset.presence === 'run' ? before : log.insertBefore(newRun(), last);
      fold(last, run);
    }
    const item = document.createElement('li');
    item.className = 'notice';
    item.dataset.presence = 'latest';
    item.dataset.kind = event.type;
    item.dataset.text = event.text;
    item.dataset.online = event.online;
    item.textContent = presenceText(item);
    append(item);
  }

  function newRun() {
    const run = document.createElement('li');
    run.className = 'notice folded';
    run.dataset.presence = 'run';
    run.dataset.joined = '0';
    run.dataset.left = '0';
    return run;
  }

  // The latest line becomes one more of the run's count, and leaves its place to the next.
  function fold(latest, run) {
    const counter = latest.dataset.kind === 'join' ? 'joined' : 'left';
    run.dataset[counter] = String(Number(run.dataset[counter]) + 1);
    Object.assign(run.dataset, { kind: latest.dataset.kind, text: latest.dataset.text, online: latest.dataset.online });
    run.title = [...(run.title ? run.title.split('\n') : []), latest.dataset.text].slice(-TOOLTIP_NOTICES).join('\n');
    run.textContent = presenceText(run);
    latest.remove();
  }

  // Between the history a page is sent on opening and what arrives live; once per page.
  function showDivider() {
    if (log.querySelector('.divider') || !log.querySelector('.chat')) return;
    const item = document.createElement('li');
    item.className = 'divider';
    item.setAttribute('role', 'separator');
    item.textContent = texts.earlier;
    append(item);
  }

  const handlers = {
    history: (event) => {
      // The server says when chats after the resume point are gone: dropped from its buffer (the
      // same epoch), or possibly lost with the run of the server that numbered them (a new epoch).
      if (resumePoint && !event.complete) {
        showNotice(resumePoint.epoch === event.epoch ? texts.gap : texts.restarted,
          resumePoint.epoch === event.epoch ? 'notice gap' : 'notice gap restarted');
      }
      if (!resumePoint || resumePoint.epoch !== event.epoch) resumePoint = { epoch: event.epoch, since: 0 };
      event.messages.forEach((chat) => showChat(chat, false));
      showDivider();
      users = Array.isArray(event.users)
        ? new Map(event.users.map((user) => [who(user), { name: user.name, user: user.user, connections: user.connections }])) : null;
      refusedProofs = 0;
      ownJoinDue = users !== null;
      renderUsers();
      log.dataset.history = 'shown';
      outbox.connected(); // only now: a chat the history lists is not sent again
    },
    join: presence,
    leave: presence,
    rename: showRename,
    chat: showChat,
    typing: (event) => {
      clearTimeout(typists.get(event.name));
      typists.set(event.name, setTimeout(() => stopTyping(event.name), TYPING_SHOWN_MS));
      showTyping();
    },
    // A chat sent again after a lost echo that the server had delivered already, as chat `id`:
    // shown from what was typed if the page has not shown it yet.
    sent: (event) => {
      const entry = outbox.delivered(event.cid);
      if (entry && !log.querySelector(`.chat[data-id="${Number(event.id)}"]`)) {
        showChat({ id: event.id, name: entry.name || ANONYMOUS, text: entry.text, time: new Date(entry.queued).toISOString(), cid: entry.cid });
      }
    },
    pong: () => {},
    moderation: showModeration,
    error: (event) => {
      if (!outbox.refused(event.cid, event.code, event.reason)) showNotice(reasonText(event), 'error');
    },
  };

  function setState(state, text) {
    status.dataset.state = state;
    status.textContent = text;
    const ready = state === 'connected';
    // While reconnecting a chat waits in the outbox; after a close that retrying cannot help, nothing can be sent.
    sendButton.disabled = state === 'offline' || tooLong();
    helloButton.disabled = state === 'offline';
    onlineCount.parentElement.classList.toggle('stale', !ready); // the count is only known while connected
  }

  // Each socket's events count only while it is the page's socket: a room switch leaves the old one behind.
  function connect() {
    clearInterval(countdown);
    setState('connecting', texts.connecting);
    const current = new WebSocket(socketUrl());
    socket = current;
    const giveUp = setTimeout(() => abandon(current), CONNECT_MS);
    current.addEventListener('open', () => {
      clearTimeout(giveUp);
      if (current !== socket) return;
      retryMs = FIRST_RETRY_MS;
      setState('connected', texts.connected);
      if (identity.auth === 'off') startHeartbeat(current);
      else prove(current);
    });
    current.addEventListener('message', (message) => {
      if (current !== socket) return;
      heardSincePing = true;
      const event = JSON.parse(message.data);
      const handle = handlers[event.type];
      if (handle) handle(event);
    });
    current.addEventListener('close', (close) => {
      clearTimeout(giveUp);
      if (current !== socket) return;
      disconnected();
      if (close.code === 4401) refusedProofs += 1;
      if (FINAL_CLOSES.has(close.code) || close.code === 4401 && (refusedProofs > 1 || !identity.tokenUrl)) {
        giveUpOn((close.code === 4403 && texts.forbidden[close.reason]) || texts.reasons[close.code]);
        return;
      }
      scheduleReconnect();
    });
  }

  // A close that retrying cannot help: the page says why, and keeps what was not sent.
  function giveUpOn(why) {
    outbox.fatal(why);
    setState('offline', texts.offline(why));
  }

  // #token=… in the address, taken out of it at once, so it is neither bookmarked nor shared; null if none.
  function takeTokenFromUrl() {
    const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
    if (!match) return null;
    const rest = location.hash.slice(1).split('&').filter((pair) => !pair.startsWith('token=')).join('&');
    history.replaceState(null, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    try {
      return decodeURIComponent(match[1]);
    } catch (malformed) {
      return match[1];
    }
  }

  // A token for the signed-in user: fresh from CHAT_TOKEN_URL (with the application's cookies), else the address's; null if none.
  async function fetchToken() {
    if (!identity.tokenUrl) return tokenInUrl;
    const response = await fetch(identity.tokenUrl, { credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) return null;
    const body = (await response.text()).trim();
    return (body.startsWith('{') ? JSON.parse(body).token : body) || null;
  }

  // A token's claims as it says them (not verified here: the server does); {} if it cannot be read.
  function claimsOf(token) {
    try {
      const json = new TextDecoder().decode(Uint8Array.from(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')),
        (c) => c.charCodeAt(0)));
      return JSON.parse(json) || {};
    } catch (malformed) {
      return {};
    }
  }

  // When a token expires; null if it does not say.
  function expiryOf(token) {
    const { exp } = claimsOf(token);
    return typeof exp === 'number' ? exp * 1000 : null;
  }

  // The roles a token gives, in its roles claim or Keycloak's realm_access.roles: what the page offers, not what the server allows.
  function rolesOf(token) {
    const claims = token ? claimsOf(token) : {};
    const roles = Array.isArray(claims.roles) ? claims.roles : (claims.realm_access && claims.realm_access.roles) || [];
    return Array.isArray(roles) ? roles : [];
  }

  // The first frame of every socket when the server wants to know who is here: the token, or,
  // where guests may chat, {"type":"auth"} alone. Without a token where one is required, the page
  // says so rather than wait for the server's 4401.
  async function prove(current) {
    const token = await fetchToken().catch(() => null);
    if (current !== socket || current.readyState !== WebSocket.OPEN) return;
    if (!token && identity.auth === 'required') {
      socket = null;
      current.close(1000);
      disconnected();
      giveUpOn(texts.signIn);
      return;
    }
    currentToken = token;
    current.send(JSON.stringify(token ? { type: 'auth', token } : { type: 'auth' }));
    startHeartbeat(current);
    renewBefore(current, token);
  }

  // A token from CHAT_TOKEN_URL is renewed on the open socket a minute before it expires.
  function renewBefore(current, token) {
    clearTimeout(renewal);
    const expires = token && identity.tokenUrl ? expiryOf(token) : null;
    if (expires === null) return;
    renewal = setTimeout(async () => {
      const fresh = await fetchToken().catch(() => null);
      if (fresh && current === socket && current.readyState === WebSocket.OPEN) {
        currentToken = fresh;
        current.send(JSON.stringify({ type: 'auth', token: fresh }));
        renewBefore(current, fresh);
      }
    }, Math.max(0, expires - Date.now() - TOKEN_RENEWED_BEFORE_MS));
  }

  // What the server asks of the page before it connects; an older server without client.json asks nothing.
  async function loadIdentity() {
    try {
      const response = await fetch('client.json', { cache: 'no-store' });
      if (response.ok) identity = await response.json();
    } catch (unreachable) {
      // connecting says what is wrong
    }
  }

  function disconnected() {
    clearInterval(heartbeat);
    clearTimeout(renewal);
    typists.forEach((timer) => clearTimeout(timer));
    typists.clear();
    showTyping();
    outbox.disconnected();
    delete log.dataset.history;
  }

  // A ping every PING_MS; a link that has not answered the last one by the next is dead.
  function startHeartbeat(current) {
    clearInterval(heartbeat);
    heardSincePing = true;
    heartbeat = setInterval(() => {
      if (!heardSincePing) {
        abandon(current);
        return;
      }
      heardSincePing = false;
      current.send('{"type":"ping"}');
    }, PING_MS);
  }

  // Gives up a socket that went silent (or never opened) without waiting for its close, which on a
  // dead link can take minutes, and connects again: what it had on the wire is sent again.
  function abandon(current) {
    if (current !== socket) return;
    socket = null;
    current.close();
    disconnected();
    scheduleReconnect();
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
    retry = setTimeout(connect, delay);
  }

  // Leaves this room's socket and conversation behind and connects to the room now in the URL.
  function switchRoom() {
    if (refuseRoomInUrl()) {
      const old = socket;
      socket = null;
      if (old) old.close(1000);
      clearTimeout(retry);
      clearInterval(countdown);
      disconnected();
      return;
    }
    const wanted = roomInUrl();
    roomField.value = wanted === LOBBY ? '' : wanted;
    checkRoomField();
    if (wanted === room && socket !== null) return; // a room left unopened (a bad address before) opens now
    room = wanted;
    const old = socket;
    socket = null;
    if (old) old.close(1000);
    clearTimeout(retry);
    log.replaceChildren();
    shown.clear();
    disconnected();
    outbox = openOutbox();
    renderOutbox(outbox.entries());
    resumePoint = null;
    users = null;
    newer = 0;
    retryMs = FIRST_RETRY_MS;
    translatePage();
    connect();
  }

  function enterRoom(submit) {
    submit.preventDefault();
    const wanted = roomField.value.trim() || LOBBY;
    if (!ROOM_NAME.test(wanted) && !DIRECT.test(wanted)) {
      roomField.reportValidity();
      return;
    }
    location.hash = wanted === LOBBY ? '' : `room=${encodeURIComponent(wanted)}`;
  }

  // The connection's name is the name field's: sent on connecting, and as a rename once it is
  // committed (Enter, or leaving the field), unless it is the name the server has; never per
  // keystroke, which announced every prefix of a name to the room.
  function rename() {
    const name = nameField.value.trim();
    if (name !== namedAs && socket && socket.readyState === WebSocket.OPEN) {
      namedAs = name;
      socket.send(JSON.stringify({ type: 'rename', name }));
    }
  }

  function rememberName() {
    localStorage.setItem('chat.name', nameField.value);
  }

  // Into the outbox, which sends it when it can: the field is cleared only once the chat is kept there.
  function sendChat(text) {
    const entry = outbox.add(nameField.value.trim(), text);
    if (entry) remember(entry.cid);
    else showNotice(texts.full, 'error');
    scroller.scrollTop = scroller.scrollHeight;
    return entry !== null;
  }

  function sendMessage() {
    const text = messageField.value;
    if (!text.trim() || tooLong()) return;
    if (sendChat(text)) {
      messageField.value = '';
      fitMessageField();
      showLength();
    }
    messageField.focus();
  }

  function tooLong() {
    return [...messageField.value].length > MAX_TEXT;
  }

  // Near the limit, how many characters the message has; over it, by how many, with the send button off.
  function showLength() {
    const count = [...messageField.value].length;
    const line = $('length');
    line.textContent = count >= LENGTH_SHOWN_FROM ? texts.length(count, MAX_TEXT) : '';
    line.toggleAttribute('data-over', count > MAX_TEXT);
    sendButton.disabled = count > MAX_TEXT || $('status').dataset.state === 'offline';
  }

  // The message field grows with what is typed, up to the few lines the style sheet allows.
  function fitMessageField() {
    messageField.style.height = 'auto';
    messageField.style.height = `${messageField.scrollHeight + 2}px`;
  }

  translatePage();
  nameField.value = localStorage.getItem('chat.name') || '';
  nameField.addEventListener('input', rememberName);
  nameField.addEventListener('change', rename);
  roomField.value = room === LOBBY ? '' : room;
  roomField.addEventListener('input', checkRoomField);
  newerButton.addEventListener('click', toBottom);
  // On a phone the list of who is here is a count that opens it; elsewhere it is always open.
  const phone = window.matchMedia('(max-width: 599px)');
  const peopleToggle = $('people-toggle');
  const fitPeople = () => peopleToggle.setAttribute('aria-expanded', String(!phone.matches));
  phone.addEventListener('change', fitPeople);
  fitPeople();
  peopleToggle.addEventListener('click', () => {
    if (phone.matches) peopleToggle.setAttribute('aria-expanded', String(peopleToggle.getAttribute('aria-expanded') !== 'true'));
  });
  scroller.addEventListener('scroll', () => {
    if (newer > 0 && atBottom()) toBottom();
  });
  roomForm.addEventListener('submit', enterRoom);
  window.addEventListener('hashchange', switchRoom);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && unread > 0) {
      unread = 0;
      showTitle();
    }
  });
  languageButton.addEventListener('click', switchLanguage);
  $('notify').addEventListener('click', toggleBell);
  $('composer').addEventListener('submit', (submit) => {
    submit.preventDefault();
    sendMessage();
  });
  messageField.addEventListener('input', () => {
    fitMessageField();
    showLength();
    sayTyping();
  });
  messageField.addEventListener('keydown', (key) => {
    if (key.key === 'Enter' && !key.shiftKey && !key.isComposing) {
      key.preventDefault();
      sendMessage();
    }
  });
  helloButton.addEventListener('click', () => sendChat('Hello'));
  messageField.focus(); // ready to type on arrival
  renderOutbox(outbox.entries()); // what a reload left waiting
  if (!refuseRoomInUrl()) loadIdentity().then(connect);
})();

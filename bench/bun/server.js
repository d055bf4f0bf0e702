// The strongest peer for the performance benchmark: Bun (uWebSockets inside), speaking this
// project's protocol, each event encoded once and sent to every client with server.publish.
// Same events as bench/node/server.js, so one load generator drives all three. Not a product.
const port = Number(process.env.PORT || 8002);
const TOPIC = 'chat';
let online = 0;
let lastId = 0;

const server = Bun.serve({
  hostname: '127.0.0.1',
  port,
  fetch(request, server) {
    if (new URL(request.url).pathname === '/chat' && server.upgrade(request)) {
      return undefined;
    }
    return new Response('not found', { status: 404 });
  },
  websocket: {
    open(socket) {
      socket.send(JSON.stringify({ type: 'history', epoch: 'bun', complete: true, messages: [] }));
      socket.subscribe(TOPIC);
      online++;
      server.publish(TOPIC, JSON.stringify({ type: 'join', online, text: `새로운 유저 접속 [현재: ${online}명]` }));
    },
    message(socket, data) {
      let request;
      try {
        request = JSON.parse(data);
      } catch {
        request = { text: String(data) };
      }
      server.publish(TOPIC, JSON.stringify({ type: 'chat', id: ++lastId, name: request.name || '익명', text: request.text, time: new Date().toISOString() }));
    },
    close() {
      online--;
      server.publish(TOPIC, JSON.stringify({ type: 'leave', online, text: `유저 연결 해제 [현재: ${online}명]` }));
    },
  },
});
console.log(`bun peer listening on ${server.port}`);

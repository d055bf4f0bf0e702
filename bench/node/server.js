'use strict';
// The tutorial's server, as the baseline for the performance benchmark: Node.js `ws` with a
// plain broadcast loop (JSON.stringify once, then send to every client in turn). It speaks the
// same protocol as the Java server, so one load generator drives both. Not a product.
const { WebSocketServer, WebSocket } = require('ws');

const port = Number(process.env.PORT || 8001);
const wss = new WebSocketServer({ host: '127.0.0.1', port, path: '/chat' });
let lastId = 0;

function broadcast(event) {
  const text = JSON.stringify(event);
  wss.clients.forEach((client) => {
    if (client.readyState === WebSocket.OPEN) client.send(text);
  });
}

wss.on('connection', (socket) => {
  socket.send(JSON.stringify({ type: 'history', epoch: 'node', complete: true, messages: [] }));
  broadcast({ type: 'join', online: wss.clients.size, text: `새로운 유저 접속 [현재: ${wss.clients.size}명]` });
  socket.on('message', (data) => {
    let request;
    try {
      request = JSON.parse(data);
    } catch {
      request = { text: String(data) };
    }
    broadcast({ type: 'chat', id: ++lastId, name: request.name || '익명', text: request.text, time: new Date().toISOString() });
  });
  socket.on('close', () => {
    broadcast({ type: 'leave', online: wss.clients.size, text: `유저 연결 해제 [현재: ${wss.clients.size}명]` });
  });
});
wss.on('listening', () => console.log(`node baseline listening on ${port}`));

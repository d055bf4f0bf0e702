'use strict';
// The page's outbox: a chat typed is kept (in sessionStorage, so a reload keeps it too) until the
// server's echo of its cid comes back, and is sent again on the next connection until it does; the
// server delivers a cid once, so a resend after a lost echo is not shown twice (see docs/protocol.md).
// One chat is on the wire at a time: an error the server could not tie to a cid (rate_limited)
// is the one on the wire's, and a dead link holds at most that one.
window.ChatOutbox = (() => {
  const KEPT = 100;               // chats waiting at most, per room and tab; more are refused with the field kept
  const FIRST_RETRY_MS = 1000;    // after a refusal that may pass later (rate limited, busy, cluster away)
  const LONGEST_RETRY_MS = 10000;
  const RETRYABLE = new Set(['rate_limited', 'address_rate_limited', 'server_busy', 'cluster_unreachable']);

  // 128 random bits, base64url: nobody can guess the next one, in pages served over plain http too.
  function newCid() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // onChange(entries) redraws the waiting chats; send(frame) puts a frame on the socket, false if there is none.
  function create(storageKey, send, onChange) {
    let entries = load();
    let onWire = null;     // the cid sent on this connection and not yet echoed or refused
    let ready = false;     // whether this connection's history has been shown, so a resend cannot precede its echo
    let retryMs = FIRST_RETRY_MS;
    let retryTimer = null;

    function load() {
      try {
        const stored = JSON.parse(sessionStorage.getItem(storageKey) || '[]');
        return Array.isArray(stored) ? stored.filter((entry) => entry && typeof entry.cid === 'string') : [];
      } catch (unreadable) {
        return [];
      }
    }

    function changed() {
      sessionStorage.setItem(storageKey, JSON.stringify(entries));
      onChange(entries);
    }

    function pump() {
      if (!ready || onWire || retryTimer) return;
      const next = entries.find((entry) => !entry.failed);
      if (!next) return;
      if (send(JSON.stringify({ type: 'chat', name: next.name, text: next.text, cid: next.cid }))) onWire = next.cid;
    }

    function remove(cid) {
      const index = entries.findIndex((entry) => entry.cid === cid);
      if (index < 0) return null;
      const [entry] = entries.splice(index, 1);
      if (onWire === cid) {
        onWire = null;
        retryMs = FIRST_RETRY_MS;
      }
      changed();
      return entry;
    }

    function retryLater() {
      onWire = null;
      retryTimer = setTimeout(() => {
        retryTimer = null;
        pump();
      }, retryMs * (0.75 + Math.random() / 2));
      retryMs = Math.min(retryMs * 2, LONGEST_RETRY_MS);
    }

    return {
      entries: () => entries,

      // Keeps a chat to send: its entry, or null if too many wait already (the field keeps the text).
      add(name, text) {
        if (entries.length >= KEPT) return null;
        const entry = { cid: newCid(), name, text, queued: Date.now() };
        entries.push(entry);
        changed();
        pump();
        return entry;
      },

      // A connection is open and its history shown: what waits goes out, one at a time.
      connected() {
        ready = true;
        pump();
      },

      // The connection is gone: whatever was on it waits for the next one.
      disconnected() {
        ready = false;
        onWire = null;
      },

      // The server delivered the chat (its echo, a history listing it, or "sent"): the entry, or null if not ours.
      delivered(cid) {
        const entry = remove(cid);
        pump();
        return entry;
      },

      // The server refused a chat: named by its cid, or, without one, the chat on the wire
      // (a rate is judged before a message is read). Whether it was ours.
      refused(cid, code, reason) {
        const named = cid || (RETRYABLE.has(code) ? onWire : null);
        const entry = named && entries.find((waiting) => waiting.cid === named);
        if (!entry) return false;
        if (RETRYABLE.has(code)) {
          retryLater();
        } else {
          entry.failed = { code, reason };
          if (onWire === entry.cid) onWire = null;
          changed();
          pump();
        }
        return true;
      },

      // The connection ended for good because of the chat on the wire (too large): it is not sent again.
      fatal(reason) {
        const entry = onWire && entries.find((waiting) => waiting.cid === onWire);
        if (entry) {
          entry.failed = reason;
          onWire = null;
          changed();
        }
      },

      // Takes a chat back out, to edit or drop it.
      take(cid) {
        return remove(cid);
      },
    };
  }

  return { create };
})();

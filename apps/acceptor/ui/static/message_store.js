// What the list holds, and what survives a reload. Entries are messages as
// the stream delivered them ({id, topic, body | body_b64}) with the time
// this browser received them, gap notices, and replay marks. They are kept
// in sessionStorage, with the subscription (its path and token) so that a
// reload resumes from the last id shown: sessionStorage belongs to this tab
// alone and is gone when the tab closes. Nothing goes to localStorage, and
// "Stop" forgets the token.

const entriesKey = "hookbot-inspector.entries";
const subscriptionKey = "hookbot-inspector.subscription";
const maxEntries = 500;
const saveDelayMs = 200;

function load(key, fallback) {
  try {
    return JSON.parse(sessionStorage.getItem(key)) ?? fallback;
  } catch {
    return fallback;
  }
}

export class MessageStore {
  constructor() {
    this.entries = load(entriesKey, []);
    this.saveTimer = 0;
  }

  // Adds an entry; returns the entries that fell off the front (oldest first).
  add(entry) {
    this.entries.push(entry);
    const removed = this.entries.splice(0, Math.max(0, this.entries.length - maxEntries));
    this.scheduleSave();
    return removed;
  }

  clear() {
    this.entries = [];
    this.scheduleSave();
  }

  lastMessageId() {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i].kind === "message") return this.entries[i].message.id;
    }
    return "";
  }

  get subscription() {
    return load(subscriptionKey, null);
  }

  set subscription(target) {
    if (target) sessionStorage.setItem(subscriptionKey, JSON.stringify(target));
    else sessionStorage.removeItem(subscriptionKey);
  }

  scheduleSave() {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.save(), saveDelayMs);
  }

  // The newest entries that fit: a full sessionStorage (about 5 MB) keeps
  // the list on screen whole, and only a reload shows fewer.
  save() {
    clearTimeout(this.saveTimer);
    for (let keep = this.entries.length; ; keep = Math.floor(keep / 2)) {
      try {
        const newest = this.entries.slice(this.entries.length - keep);
        sessionStorage.setItem(entriesKey, JSON.stringify(newest));
        return;
      } catch {
        if (keep === 0) return;
      }
    }
  }
}

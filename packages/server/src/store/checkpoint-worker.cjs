// Runs SQLite WAL checkpoints on its own thread and connection (see wal-checkpointer.ts): plain
// CommonJS, so it loads the same way under tsx, the bin's loader and vitest.
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('better-sqlite3');

const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');

let stopped = false;
function checkpoint() {
  if (stopped) return;
  try {
    // PASSIVE never waits for the writer or readers: it copies what it can and the writer goes on.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message ? error.message : error) });
  }
  setTimeout(checkpoint, workerData.intervalMs);
}

parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  stopped = true;
  // A last checkpoint, so a clean stop leaves a small WAL behind.
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // the main connection may already be gone; the next start checkpoints
  }
  db.close();
  parentPort.postMessage({ stopped: true });
});

checkpoint();

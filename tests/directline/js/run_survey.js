// A resident completing the survey through the real Direct Line client (botframework-directlinejs).
//
// Usage: node run_survey.js <domain> <token> <websocket|polling> <survey_script.json>
//
// Reads each bot message; when one asks the next question of the script, answers it by
// tapping the button (sending its value, as Web Chat does) or by typing, after a moment to read. Checks that every
// message sent comes back as an echo with its clientActivityID, and that no activity
// arrives twice. Prints a JSON summary on stdout; exits 1 with the transcript on failure.
'use strict';

// The client is written for browsers; in Node it needs these two (its README says so).
global.XMLHttpRequest = require('xhr2');
global.WebSocket = require('ws');

const fs = require('fs');
const { DirectLine } = require('botframework-directlinejs');

const TIME_LIMIT_MS = 90 * 1000;
// A quick resident: a moment to read each question, well inside the server's rate limit.
const READING_MS = 250;
const [domain, token, mode, scriptPath] = process.argv.slice(2);
const script = JSON.parse(fs.readFileSync(scriptPath, 'utf8'));

const directLine = new DirectLine({
  domain,
  token,
  webSocket: mode === 'websocket',
  pollingInterval: 200,
  timeout: 10 * 1000
});

const transcript = [];
const seen = new Set();
const awaitingEcho = new Map();
let step = 0;
let reference = null;
let sent = 0;

function finish(code, message) {
  if (message) {
    process.stderr.write(`${message}\n--- transcript ---\n${transcript.join('\n')}\n`);
  }
  if (code === 0) {
    process.stdout.write(
      JSON.stringify({
        conversationId: directLine.conversationId,
        reference,
        sent,
        webSocket: directLine.webSocket,
        transcript
      })
    );
  }
  directLine.end();
  process.exit(code);
}

function send(text) {
  const clientActivityID = `client-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  awaitingEcho.set(clientActivityID, text);
  sent += 1;
  directLine
    .postActivity({
      type: 'message',
      from: { id: 'resident', role: 'user' },
      text,
      channelData: { clientActivityID }
    })
    .subscribe(
      () => {},
      (error) => finish(1, `posting "${text}" failed: ${error.status || ''} ${error.message}`)
    );
}

function answer(activity) {
  const expected = script.steps[step];
  const actions = (activity.suggestedActions && activity.suggestedActions.actions) || [];
  if (!expected || !activity.text.includes(expected.prompt)) {
    if (actions.length) {
      finish(1, `unexpected question (waiting for "${expected && expected.prompt}")`);
    }
    return;
  }
  step += 1;
  let text = expected.answer;
  if (expected.tap) {
    const button = actions.find((action) => action.title === expected.answer);
    if (!button) {
      finish(1, `no button "${expected.answer}" on "${expected.prompt}"`);
      return;
    }
    text = button.value;
  }
  setTimeout(() => send(text), READING_MS);
}

directLine.activity$.subscribe(
  (activity) => {
    if (seen.has(activity.id)) {
      finish(1, `activity ${activity.id} arrived twice`);
      return;
    }
    seen.add(activity.id);
    if (activity.from && activity.from.role === 'user') {
      const clientActivityID = activity.channelData && activity.channelData.clientActivityID;
      if (!awaitingEcho.delete(clientActivityID)) {
        finish(1, `an echo nobody sent: ${JSON.stringify(activity)}`);
        return;
      }
      transcript.push(`> ${activity.text}`);
    } else if (activity.type === 'message') {
      transcript.push(activity.text);
      const done = activity.text.match(new RegExp(`${script.done} ([A-Z0-9]+)`));
      if (done && step === script.steps.length) {
        reference = done[1];
      } else {
        answer(activity);
      }
    }
    if (reference && awaitingEcho.size === 0) {
      finish(0);
    }
  },
  (error) => finish(1, `the activity stream failed: ${error && error.message}`)
);

setTimeout(() => finish(1, `not finished after ${TIME_LIMIT_MS} ms, at step ${step}`), TIME_LIMIT_MS);
